namespace SupportBot.Core.Knowledge;

/// <summary>The folders of a <c>training-data/</c> directory.</summary>
public sealed record TrainingDataPaths(string Root)
{
    public const string DefaultFolderName = "training-data";

    public string KnowledgeBase => Path.Combine(Root, "knowledge-base");

    public string Utterances => Path.Combine(Root, "utterances");

    public string HeldOut => Path.Combine(Root, "held-out");

    /// <summary>
    /// Utterances an admin assigned to an entry from the dashboard: read by training like
    /// <see cref="Utterances"/>, optional. <c>review/</c> inside the training data unless set
    /// elsewhere (a container's writable data volume: the image's training data is read-only).
    /// </summary>
    public string Review { get; init; } = Path.Combine(Root, "review");

    /// <summary>The Kakao Developers areas for the fallback (<see cref="ProductAreaFile"/>); optional.</summary>
    public string AreasFile => Path.Combine(Root, ProductAreaFile.FileName);

    public string SmallTalkFile => Path.Combine(KnowledgeBase, "small-talk.yaml");

    /// <summary>
    /// The configured folder when given, else the nearest <c>training-data/</c> above the start
    /// directory, so the tools work from anywhere inside a checkout.
    /// </summary>
    public static TrainingDataPaths Locate(string? configured = null, string? startDirectory = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var full = Path.GetFullPath(configured);
            if (!Directory.Exists(full))
            {
                throw new KnowledgeBaseException($"The training data folder '{full}' does not exist.");
            }

            return new TrainingDataPaths(full);
        }

        for (var dir = new DirectoryInfo(startDirectory ?? Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, DefaultFolderName);
            if (Directory.Exists(Path.Combine(candidate, "knowledge-base")))
            {
                return new TrainingDataPaths(candidate);
            }
        }

        throw new KnowledgeBaseException(
            $"No '{DefaultFolderName}/' folder found above '{startDirectory ?? Directory.GetCurrentDirectory()}'; set its path in configuration.");
    }
}
