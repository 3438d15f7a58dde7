using Npgsql;

namespace Twofold.IntegrationTests.Infrastructure;

/// <summary>The PostgreSQL test database really is fresh per factory and really goes away.</summary>
public sealed class TestDatabaseTests
{
    [PostgresFact]
    public async Task Postgres_CreatesAFreshDatabase_AndDropsItOnDispose()
    {
        var first = await TestDatabase.CreatePostgresAsync();
        var second = await TestDatabase.CreatePostgresAsync();
        var name = new NpgsqlConnectionStringBuilder(first.ConnectionString).Database!;
        Assert.NotEqual(name, new NpgsqlConnectionStringBuilder(second.ConnectionString).Database);
        Assert.True(await ExistsAsync(name));

        await first.DisposeAsync();
        await second.DisposeAsync();
        Assert.False(await ExistsAsync(name));
    }

    private static async Task<bool> ExistsAsync(string database)
    {
        var server = new NpgsqlConnectionStringBuilder(TestDatabase.PostgresServer) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", connection);
        command.Parameters.AddWithValue("name", database);
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }
}
