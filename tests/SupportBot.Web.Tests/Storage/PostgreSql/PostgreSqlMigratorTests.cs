using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SupportBot.Web.Storage.PostgreSql;
using SupportBot.Testing;

namespace SupportBot.Web.Tests.Storage.PostgreSql;

/// <summary>The schema is created at start, versioned, and replicas starting together do not race.</summary>
[Trait("Category", PostgreSqlServer.Category)]
public sealed class PostgreSqlMigratorTests : IAsyncLifetime
{
    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgreSqlServer.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    [Fact]
    public async Task Two_replicas_migrating_an_empty_database_at_once_build_one_schema_and_record_each_version_once()
    {
        await using var replicaA = NpgsqlDataSource.Create(_database!.ConnectionString);
        await using var replicaB = NpgsqlDataSource.Create(_database.ConnectionString);

        var applied = await Task.WhenAll(
            new PostgreSqlMigrator(replicaA, NullLogger<PostgreSqlMigrator>.Instance).MigrateAsync(default),
            new PostgreSqlMigrator(replicaB, NullLogger<PostgreSqlMigrator>.Instance).MigrateAsync(default));

        var versions = PostgreSqlSchema.Migrations.Select(m => m.Version).ToList();
        Assert.Single(applied, a => a.Count > 0);
        Assert.Equal(versions, applied.Single(a => a.Count > 0));
        Assert.Single(applied, a => a.Count == 0);
        Assert.Equal(versions, await RecordedVersionsAsync(replicaA));
        Assert.Equal(
            ["agent_presence", "asked_questions", "bot_state", "data_protection_keys", "directline_activities", "directline_conversations", "handoff_activities", "handoffs", "intent_models", "schema_migrations", "ticket_events", "tickets", "transcript_activities"],
            await TablesAsync(replicaA));
    }

    [Fact]
    public async Task Migrating_a_database_that_is_up_to_date_changes_nothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(_database!.ConnectionString);
        var migrator = new PostgreSqlMigrator(dataSource, NullLogger<PostgreSqlMigrator>.Instance);
        await migrator.MigrateAsync(default);

        Assert.Empty(await migrator.MigrateAsync(default));
        Assert.Equal(PostgreSqlSchema.Migrations.Select(m => m.Version), await RecordedVersionsAsync(dataSource));
    }

    [Fact]
    public async Task The_stores_migrate_the_database_on_first_use()
    {
        var database = _database!.Open();

        await new PostgreSqlStorage(database).ReadAsync(["nothing-yet"]);

        await using var dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        Assert.Equal(PostgreSqlSchema.Migrations.Select(m => m.Version), await RecordedVersionsAsync(dataSource));
    }

    private static async Task<List<int>> RecordedVersionsAsync(NpgsqlDataSource dataSource)
    {
        var versions = new List<int>();
        await using var command = dataSource.CreateCommand("SELECT version FROM schema_migrations ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static async Task<List<string>> TablesAsync(NpgsqlDataSource dataSource)
    {
        var tables = new List<string>();
        await using var command = dataSource.CreateCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }
}
