using SupportBot.Core.Knowledge;

namespace SupportBot.Core.Tests;

/// <summary>Where the repository's training data and the Kakao FAQ source text are, found from the test's working directory.</summary>
public static class RepositoryPaths
{
    public static TrainingDataPaths TrainingData { get; } = TrainingDataPaths.Locate(startDirectory: AppContext.BaseDirectory);

    public static string Root => Path.GetDirectoryName(TrainingData.Root)!;

    /// <summary>The Kakao FAQ the knowledge base is made from, kept in the repository (training-data/README.md).</summary>
    public static string SeedFaq
    {
        get
        {
            var path = Path.Combine(TrainingData.Root, "source", "kakao-developers-faq.txt");
            return File.Exists(path) ? path : throw new FileNotFoundException($"The Kakao FAQ source text is expected at {path}");
        }
    }
}
