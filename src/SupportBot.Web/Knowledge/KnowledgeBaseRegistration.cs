using SupportBot.Core.Knowledge;
using SupportBot.Web.Classification;
using SupportBot.Web.Hosting;

namespace SupportBot.Web.Knowledge;

/// <summary>
/// The knowledge base, loaded and validated while the host starts: invalid training data stops
/// the host with the loader's message (the file and the entry at fault).
/// </summary>
public static class KnowledgeBaseRegistration
{
    public static IServiceCollection AddKnowledgeBase(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var data = sp.GetRequiredService<ClassifierFiles>().TrainingData;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KnowledgeBase));
            try
            {
                var knowledgeBase = TrainingDataLoader.LoadKnowledgeBase(data);
                logger.LogInformation(
                    "Knowledge base {TrainingDataPath}: {Entries} FAQ entries in {Categories} categories",
                    data.Root,
                    knowledgeBase.Entries.Count,
                    knowledgeBase.Categories.Count);
                return knowledgeBase;
            }
            catch (KnowledgeBaseException ex)
            {
                logger.LogCritical("The knowledge base in {TrainingDataPath} is invalid: {Reason}", data.Root, ex.Message);
                throw;
            }
        });
        return services.ResolveAtStart<KnowledgeBase>();
    }
}
