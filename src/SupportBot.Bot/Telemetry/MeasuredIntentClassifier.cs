using SupportBot.Core.Classification;

namespace SupportBot.Bot.Telemetry;

/// <summary>A classifier whose rankings are timed into the metrics and traced as "rank" spans.</summary>
public sealed class MeasuredIntentClassifier(IIntentClassifier inner, BotTelemetry telemetry, TimeProvider time) : IIntentClassifier
{
    public IntentRanking Rank(string? text)
    {
        using var span = BotTelemetry.Source.StartActivity("rank");
        var started = time.GetTimestamp();
        var ranking = inner.Rank(text);
        telemetry.Ranked(time.GetElapsedTime(started));
        if (span is not null)
        {
            span.SetTag("supportbot.intent", ranking.Top.Intent);
            span.SetTag("supportbot.probability", ranking.Top.Probability);
        }

        return ranking;
    }
}
