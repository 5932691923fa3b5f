using SupportBot.Bot.Insights;

namespace SupportBot.Bot.Tests.Insights;

/// <summary>The in-memory question insights pass the contract.</summary>
public sealed class MemoryQuestionInsightsContractTests : QuestionInsightsContractTests
{
    protected override IQuestionInsights CreateStore() => new MemoryQuestionInsights();
}
