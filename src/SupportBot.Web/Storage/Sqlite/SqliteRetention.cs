using SupportBot.Web.Privacy;

namespace SupportBot.Web.Storage.Sqlite;

/// <summary>Retention over the SQLite file: each batch is one job of the file's single writer, so turns' writes queue behind one short delete at most.</summary>
public sealed class SqliteRetention(SqliteDatabase database) : IRetentionStore
{
    public IReadOnlySet<RetentionKind> Kinds => RetentionSql.Kinds;

    public Task<int> DeleteOlderThanAsync(RetentionKind kind, DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var statements = RetentionSql.Statements(kind);
        var before = SqliteDatabase.FormatTimestamp(cutoff);
        return database.Writer.WriteAsync(batch => statements.Sum(sql =>
        {
            var command = batch.Command(sql);
            command.Parameters.AddWithValue("$1", before);
            command.Parameters.AddWithValue("$2", batchSize);
            return command.ExecuteNonQuery();
        }), cancellationToken);
    }
}
