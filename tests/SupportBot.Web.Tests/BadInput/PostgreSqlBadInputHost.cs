using SupportBot.Testing;

namespace SupportBot.Web.Tests.BadInput;

/// <summary>The bad-input host on a PostgreSQL database of its own: PostgreSQL refuses text that SQLite keeps (a NUL).</summary>
public sealed class PostgreSqlBadInputHost(TrainedModelFixture model) : BadInputHost(model)
{
    private TestDatabase? _database;

    public override bool StoresInSqlite => false;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    protected override async Task<IReadOnlyDictionary<string, string?>> StorageSettingsAsync()
    {
        _database = await PostgreSqlServer.CreateDatabaseAsync();
        return new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["ConnectionStrings:SupportBot"] = _database.ConnectionString,
        };
    }
}
