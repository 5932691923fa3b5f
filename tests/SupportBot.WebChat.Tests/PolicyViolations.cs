using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace SupportBot.WebChat.Tests;

/// <summary>
/// The Content-Security-Policy violations of a page and its frames, as Chromium reports them: its
/// console messages, and every <c>securitypolicyviolation</c> event written to the console.
/// </summary>
public sealed class PolicyViolations
{
    private const string Marker = "Content Security Policy";

    private readonly ConcurrentQueue<string> _seen = new();

    private PolicyViolations()
    {
    }

    public IReadOnlyCollection<string> Seen => [.. _seen];

    /// <summary>Starts watching before the page's first navigation (the event listener goes into every document of its context).</summary>
    public static async Task<PolicyViolations> WatchAsync(IPage page)
    {
        var violations = new PolicyViolations();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains(Marker, StringComparison.OrdinalIgnoreCase))
            {
                violations._seen.Enqueue(message.Text);
            }
        };
        await page.Context.AddInitScriptAsync(
            "document.addEventListener('securitypolicyviolation', e => console.error(`" + Marker + " violation: ${e.effectiveDirective} blocked ${e.blockedURI}`));");
        return violations;
    }
}
