using System.Security.Cryptography;

namespace SupportBot.Web.Classification;

/// <summary>A trained model published to the replicas: its version and what it was made from, without its bytes.</summary>
public sealed record PublishedModel(long Version, string TrainingData, string Sha256, int ModelBytes, int Utterances, string PublishedBy, DateTimeOffset CreatedAt)
{
    /// <summary>A model's SHA-256, as recorded with it and checked on download.</summary>
    public static string Sha256Of(byte[] model) => Convert.ToHexStringLower(SHA256.HashData(model));
}

/// <summary>
/// Where the replicas share their trained models (see <see cref="SharedIntentModel"/>); a storage
/// provider that serves several replicas registers one, the others none.
/// </summary>
public interface ISharedModelSource
{
    /// <summary>A newer model may have been published (on any replica), or publications may have been missed: look.</summary>
    event Action? MayHavePublished;

    /// <summary>The newest model made from this training data, or null when there is none.</summary>
    Task<PublishedModel?> NewestAsync(string trainingData, CancellationToken cancellationToken);

    /// <summary>The bytes of a version, or null when there is no such version.</summary>
    Task<byte[]?> ReadModelAsync(long version, CancellationToken cancellationToken);

    /// <summary>Publishes a retrained model as a new version and announces it.</summary>
    Task<PublishedModel> PublishAsync(byte[] model, string trainingData, int utterances, string publishedBy, CancellationToken cancellationToken);

    /// <summary>Publishes the first model of this training data unless one exists, and returns the one that does.</summary>
    Task<PublishedModel> PublishFirstAsync(byte[] model, string trainingData, int utterances, string publishedBy, CancellationToken cancellationToken);
}
