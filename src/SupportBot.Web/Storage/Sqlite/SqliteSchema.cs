namespace SupportBot.Web.Storage.Sqlite;

/// <summary>A store's tables, created once per store object before its first read or write (<c>CREATE ... IF NOT EXISTS</c>).</summary>
public sealed class SqliteSchema(SqliteDatabase database, string ddl)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile bool _created;

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (!_created)
            {
                await using var connection = await database.OpenConnectionAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = ddl;
                await command.ExecuteNonQueryAsync(cancellationToken);
                _created = true;
            }
        }
        finally
        {
            _lock.Release();
        }
    }
}
