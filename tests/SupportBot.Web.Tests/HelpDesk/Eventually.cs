using System.Diagnostics;

namespace SupportBot.Web.Tests.HelpDesk;

/// <summary>Waits for what a background service does, by looking again, never by sleeping a guessed time.</summary>
public static class Eventually
{
    /// <summary>Until the condition holds; <paramref name="meanwhile"/> runs between looks (e.g. moves a fake clock on).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, Action? meanwhile = null, TimeSpan? timeout = null)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > (timeout ?? TimeSpan.FromSeconds(60)))
            {
                throw new TimeoutException($"Still waiting for {what}.");
            }

            meanwhile?.Invoke();
            await Task.Delay(20);
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what, Action? meanwhile = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, meanwhile);
}
