namespace SupportBot.Web.HelpDesk.Webhooks;

/// <summary>
/// The wait before the next attempt: the first delay doubled after each failure, capped, and
/// "equal jitter" (between half and all of it), so receivers coming back up are not hit by every
/// sender at the same instant.
/// </summary>
public static class WebhookBackoff
{
    /// <param name="failedAttempts">Attempts made so far (1 after the first failure).</param>
    /// <param name="jitter">A number in [0, 1): 0 waits half the delay, near 1 all of it.</param>
    public static TimeSpan Delay(int failedAttempts, TimeSpan first, TimeSpan max, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        var exponential = first.TotalSeconds * Math.Pow(2, Math.Min(failedAttempts - 1, 62));
        var capped = Math.Min(exponential, max.TotalSeconds);
        return TimeSpan.FromSeconds(capped * (0.5 + (0.5 * Math.Clamp(jitter, 0, 1))));
    }
}
