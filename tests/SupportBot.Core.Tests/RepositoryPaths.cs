using SupportBot.Core.Knowledge;

namespace SupportBot.Core.Tests;

/// <summary>Where the repository's training data and the shared seed FAQ are, found from the test's working directory.</summary>
public static class RepositoryPaths
{
    public static TrainingDataPaths TrainingData { get; } = TrainingDataPaths.Locate(startDirectory: AppContext.BaseDirectory);

    public static string Root => Path.GetDirectoryName(TrainingData.Root)!;

    /// <summary>The Kakao FAQ the knowledge base is made from; CI lays shared/ beside the clone.</summary>
    public static string SeedFaq
    {
        get
        {
            foreach (var candidate in new[] { Path.Combine(Root, "..", "shared", "seed", "kakao-developers-faq.txt") })
            {
                if (File.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }

            throw new FileNotFoundException($"The seed FAQ is expected at {Path.Combine(Root, "..", "shared", "seed")}/kakao-developers-faq.txt");
        }
    }
}
