using Microsoft.Extensions.Options;

namespace SupportBot.Bot.Handoffs;

/// <summary>Fails the start on <c>HelpDesk:OfficeHours</c> that cannot be read, saying what is wrong and how to write it.</summary>
public sealed class LiveChatOptionsValidator : IValidateOptions<LiveChatOptions>
{
    public ValidateOptionsResult Validate(string? name, LiveChatOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.OfficeHours))
        {
            return ValidateOptionsResult.Success;
        }

        try
        {
            OfficeHours.Parse(options.OfficeHours);
            return ValidateOptionsResult.Success;
        }
        catch (FormatException ex)
        {
            return ValidateOptionsResult.Fail(
                $"{LiveChatOptions.Section}:{nameof(LiveChatOptions.OfficeHours)}: {ex.Message} (for example '{OfficeHours.Example}').");
        }
    }
}
