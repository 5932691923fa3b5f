using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace SupportBot.Web.Configuration;

/// <summary>
/// Options bound to a configuration section and validated when the host starts, with messages
/// that name the configuration key at fault (<c>Storage:Provider: ...</c>), not the C# property.
/// </summary>
public static class ValidatedOptions
{
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, string section)
        where TOptions : class
    {
        services.AddSingleton<IValidateOptions<TOptions>>(new SectionAnnotationsValidator<TOptions>(section));
        return services.AddOptions<TOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                try
                {
                    configuration.GetSection(section).Bind(options);
                }
                catch (InvalidOperationException ex)
                {
                    // "Failed to convert configuration value 'lots' at 'Api:MaxRequestBodyBytes'...":
                    // a bad setting like any other, reported the same way.
                    throw new OptionsValidationException(section, typeof(TOptions), [ex.Message]);
                }
            })
            .ValidateOnStart();
    }

    /// <summary>Runs the data annotations of an options class and prefixes each failure with its key.</summary>
    private sealed class SectionAnnotationsValidator<TOptions>(string section) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var results = new List<ValidationResult>();
            if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
            {
                return ValidateOptionsResult.Success;
            }

            return ValidateOptionsResult.Fail(results.Select(r =>
                $"{section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        }
    }
}
