using System.Globalization;
using Npgsql;
using SupportBot.Web.Classification;

namespace SupportBot.Web.Storage.PostgreSql;

/// <summary>
/// The trained intent models the replicas share (table <c>intent_models</c>): each retraining
/// publishes a new version, and every replica serves the newest one made from its own shipped
/// training data (<c>training_data</c>, a fingerprint), so a new release never falls back to the
/// previous release's model.
/// </summary>
/// <remarks>A publication is announced on <see cref="Channel"/>, which the host's <see cref="PostgreSqlListener"/> hears for it.</remarks>
public sealed class PostgreSqlModelStore(PostgreSqlDatabase database) : ISharedModelSource, IPostgreSqlChannelSubscriber
{
    /// <summary>The notification channel a publication is announced on, with its version as the payload.</summary>
    public const string Channel = "supportbot_model";

    // Taken by a first publication for a fingerprint, so replicas of a new release starting
    // together insert one row; "SBmodel1" in ASCII, told apart from the migrator's in pg_locks.
    private const long FirstPublicationLock = 0x53426d6f_64656c31;

    private const string Columns = "version, training_data, sha256, model_bytes, utterances, published_by, created_at";

    public event Action? MayHavePublished;

    string IPostgreSqlChannelSubscriber.Channel => Channel;

    // Whatever was published while not listening is looked for at once.
    void IPostgreSqlChannelSubscriber.OnListening() => MayHavePublished?.Invoke();

    void IPostgreSqlChannelSubscriber.OnNotification(string payload) => MayHavePublished?.Invoke();

    /// <summary>The newest model made from this training data, or null when there is none.</summary>
    public async Task<PublishedModel?> NewestAsync(string trainingData, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT {Columns} FROM intent_models WHERE training_data = $1 ORDER BY version DESC LIMIT 1", trainingData);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>The bytes of a version as stored (the caller checks them against its SHA-256), or null when there is no such version.</summary>
    public async Task<byte[]?> ReadModelAsync(long version, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.Command("SELECT model FROM intent_models WHERE version = $1", version);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    /// <summary>Publishes a model as the newest version for its training data, and tells the listening replicas.</summary>
    public async Task<PublishedModel> PublishAsync(byte[] model, string trainingData, int utterances, string publishedBy, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var published = await InsertAsync(connection, model, trainingData, utterances, publishedBy, cancellationToken);
        await NotifyAsync(connection, published.Version, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return published;
    }

    /// <summary>
    /// Publishes a model only when none exists yet for its training data (replicas of a new release
    /// starting together insert one row); the newest for that training data either way.
    /// </summary>
    public async Task<PublishedModel> PublishFirstAsync(byte[] model, string trainingData, int utterances, string publishedBy, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = connection.Command("SELECT pg_advisory_xact_lock($1)", FirstPublicationLock))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        PublishedModel? newest;
        await using (var select = connection.Command(
            $"SELECT {Columns} FROM intent_models WHERE training_data = $1 ORDER BY version DESC LIMIT 1", trainingData))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            newest = await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
        }

        if (newest is null)
        {
            newest = await InsertAsync(connection, model, trainingData, utterances, publishedBy, cancellationToken);
            await NotifyAsync(connection, newest.Version, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return newest;
    }

    private static async Task<PublishedModel> InsertAsync(
        NpgsqlConnection connection, byte[] model, string trainingData, int utterances, string publishedBy, CancellationToken cancellationToken)
    {
        await using var insert = connection.Command(
            $"""
            INSERT INTO intent_models (training_data, sha256, model_bytes, utterances, published_by, model)
            VALUES ($1, $2, $3, $4, $5, $6)
            RETURNING {Columns}
            """,
            trainingData,
            PublishedModel.Sha256Of(model),
            model.Length,
            utterances,
            publishedBy,
            model);
        await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Read(reader);
    }

    private static async Task NotifyAsync(NpgsqlConnection connection, long version, CancellationToken cancellationToken)
    {
        // Delivered when the transaction commits, so a listener never hears of a version it cannot read yet.
        await using var notify = connection.Command("SELECT pg_notify($1, $2)", Channel, version.ToString(CultureInfo.InvariantCulture));
        await notify.ExecuteNonQueryAsync(cancellationToken);
    }

    private static PublishedModel Read(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetInt32(3),
        reader.GetInt32(4),
        reader.GetString(5),
        reader.GetFieldValue<DateTimeOffset>(6));
}
