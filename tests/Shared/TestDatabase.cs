using Npgsql;
using SupportBot.Web.Storage.PostgreSql;

namespace SupportBot.Testing;

// Apart from PostgreSqlServer.cs, so that a project without the host's stores (the load test) can start a server.
public sealed partial class PostgreSqlServer
{
    /// <summary>A new, empty database on the shared server; dropped when disposed.</summary>
    public static async Task<TestDatabase> CreateDatabaseAsync()
    {
        var server = await GetAsync();
        var name = $"test_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(server.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return new TestDatabase(server, name);
    }
}

/// <summary>One test's database on the shared server: its connection string, and the stores' database objects made over it, disposed with it.</summary>
public sealed class TestDatabase(PostgreSqlServer server, string name) : IAsyncDisposable
{
    private readonly List<PostgreSqlDatabase> _opened = [];

    public string Name { get; } = name;

    public string ConnectionString { get; } = server.ConnectionString(name);

    /// <summary>A database object over this database, as a host or a replica makes one.</summary>
    public PostgreSqlDatabase Open()
    {
        var database = new PostgreSqlDatabase(ConnectionString);
        lock (_opened)
        {
            _opened.Add(database);
        }

        return database;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _opened)
        {
            await database.DisposeAsync();
        }

        await using var connection = new NpgsqlConnection(server.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
