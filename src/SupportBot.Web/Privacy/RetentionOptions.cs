using Microsoft.Extensions.Options;

namespace SupportBot.Web.Privacy;

/// <summary>How long each kind of personal data is kept, and how often the sweep runs (<c>Privacy:Retention:*</c>, <c>Privacy:SweepInterval</c>).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Privacy";

    /// <summary>The longest retention accepted: beyond it a typo (days for hours) is more likely than intent.</summary>
    public static readonly TimeSpan MaxRetention = TimeSpan.FromDays(3650);

    /// <summary>The longest sweep interval accepted.</summary>
    public static readonly TimeSpan MaxSweepInterval = TimeSpan.FromDays(1);

    public RetentionPeriods Retention { get; set; } = new();

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The retention of <paramref name="kind"/>; conversation state and live handoffs (a transcript of their own) follow transcripts.</summary>
    public TimeSpan For(RetentionKind kind) => kind switch
    {
        RetentionKind.Transcripts or RetentionKind.State or RetentionKind.Handoffs => Retention.Transcripts,
        RetentionKind.DirectLine => Retention.DirectLine,
        RetentionKind.Questions => Retention.Questions,
        RetentionKind.Tickets => Retention.Tickets,
        RetentionKind.Outbox => Retention.Outbox,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

/// <summary>The retention of each kind of data (defaults a European help desk could ship).</summary>
public sealed class RetentionPeriods
{
    public TimeSpan Transcripts { get; set; } = TimeSpan.FromDays(90);

    public TimeSpan DirectLine { get; set; } = TimeSpan.FromDays(90);

    public TimeSpan Questions { get; set; } = TimeSpan.FromDays(90);

    public TimeSpan Tickets { get; set; } = TimeSpan.FromDays(730);

    public TimeSpan Outbox { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>Checks every duration at start, naming the key at fault.</summary>
public sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var retention = options.Retention;
        var errors = new[]
        {
            Check("Retention:Transcripts", retention.Transcripts, RetentionOptions.MaxRetention),
            Check("Retention:DirectLine", retention.DirectLine, RetentionOptions.MaxRetention),
            Check("Retention:Questions", retention.Questions, RetentionOptions.MaxRetention),
            Check("Retention:Tickets", retention.Tickets, RetentionOptions.MaxRetention),
            Check("Retention:Outbox", retention.Outbox, RetentionOptions.MaxRetention),
            Check("SweepInterval", options.SweepInterval, RetentionOptions.MaxSweepInterval),
        }.OfType<string>().ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string? Check(string key, TimeSpan value, TimeSpan max) =>
        value <= TimeSpan.Zero || value > max
            ? $"{RetentionOptions.Section}:{key}: must be a positive duration (d.hh:mm:ss) of at most {max:c}, not {value:c}."
            : null;
}
