using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Insights;
using SupportBot.Bot.Tickets;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;
using SupportBot.Web.Storage.Memory;

namespace SupportBot.Bot.Tests;

/// <summary>
/// The repository's knowledge base and a model trained from it, shared by every bot test. The model
/// is cached in the temp folder under the training data's fingerprint, so reruns skip training.
/// </summary>
public sealed class BotFixture
{
    public BotFixture()
    {
        Data = TrainingDataPaths.Locate(startDirectory: AppContext.BaseDirectory);
        KnowledgeBase = TrainingDataLoader.LoadKnowledgeBase(Data);
        var modelPath = Path.Combine(Path.GetTempPath(), "supportbot-tests", $"model-{IntentModelFile.Fingerprint(Data)}.zip");
        Classifier = IntentModelFile.LoadOrTrain(Data, modelPath, NullLoggerFactory.Instance);
    }

    public TrainingDataPaths Data { get; }

    public KnowledgeBase KnowledgeBase { get; }

    public IIntentClassifier Classifier { get; }

    /// <summary>The bot as the host wires it, over the given stores (in memory when none).</summary>
    public IBot CreateBot(IStorage? storage = null, ITicketStore? tickets = null, ITranscriptStore? transcripts = null, IQuestionInsights? insights = null) =>
        CreateServices(storage, tickets, transcripts, insights).GetRequiredService<IBot>();

    /// <summary>The services the bot is made of, for tests that need its parts too (telemetry, middleware); with extra registrations (a fake logger).</summary>
    public ServiceProvider CreateServices(IStorage? storage = null, ITicketStore? tickets = null, ITranscriptStore? transcripts = null, IQuestionInsights? insights = null, Action<IServiceCollection>? extra = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(storage ?? new MemoryStorage())
            .AddSingleton(tickets ?? new MemoryTicketStore())
            .AddSingleton(transcripts ?? new MemoryTranscriptStore())
            .AddSingleton(insights ?? new MemoryQuestionInsights())
            .AddSingleton<IHandoffStore>(new MemoryHandoffStore())
            .AddSingleton(KnowledgeBase)
            .AddSingleton(Classifier)
            .AddSingleton(Options.Create(new DecisionOptions()))
            .AddSingleton<DecisionPolicy>()
            .AddSupportBot();
        extra?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public static TestAdapter CreateAdapter(string conversation = "conversation-1") =>
        new(TestAdapter.CreateConversation(conversation));
}

[CollectionDefinition(Name)]
public sealed class BotCollection : ICollectionFixture<BotFixture>
{
    public const string Name = "bot";
}
