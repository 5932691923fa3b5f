using SupportBot.Bot.Insights;
using SupportBot.Web.Storage.Memory;

namespace SupportBot.Web.Tests.Storage.Memory;

/// <summary>The in-memory question insights pass the contract.</summary>
public sealed class MemoryQuestionInsightsContractTests : QuestionInsightsContractTests
{
    protected override IQuestionInsights CreateStore() => new MemoryQuestionInsights();
}
