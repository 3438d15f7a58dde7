using Npgsql;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.Web;

namespace Twofold.IntegrationTests.Faults;

/// <summary>
/// What Npgsql really throws when the PostgreSQL server goes away in ways other than the network (see
/// <see cref="DatabaseOutageTests"/>), and that <see cref="DatabaseUnavailable"/> reads each as an outage
/// (503) while an ordinary query error stays a 500.
/// </summary>
public sealed class PostgresOutageErrorsTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private TestDatabase database = null!;

    public async Task InitializeAsync() => database = await TestDatabase.CreatePostgresAsync();

    public async Task DisposeAsync()
    {
        await AdminAsync($"ALTER DATABASE \"{Name}\" ALLOW_CONNECTIONS true");
        await database.DisposeAsync();
    }

    private string Name => new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;

    [PostgresFact]
    public async Task BackendTerminated_IsAnOutage()
    {
        // As on a server shutdown or a failover: the server ends the session (57P01 admin_shutdown).
        await using var connection = await OpenAsync();
        await AdminAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{Name}'");
        var error = await Assert.ThrowsAnyAsync<Exception>(() => QueryAsync(connection, "SELECT 1"));
        AssertOutage(error);
    }

    [PostgresFact]
    public async Task DatabaseNotAcceptingConnections_IsAnOutage()
    {
        // ALTER DATABASE … ALLOW_CONNECTIONS false, e.g. during maintenance: 55000 on connect.
        await AdminAsync($"ALTER DATABASE \"{Name}\" ALLOW_CONNECTIONS false");
        var error = await Assert.ThrowsAnyAsync<Exception>(OpenAsync);
        AssertOutage(error);
    }

    [PostgresFact]
    public async Task DatabaseMissing_IsAnOutage()
    {
        // The database was dropped or the server points elsewhere: 3D000 on connect.
        var missing = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = Name + "_missing", Pooling = false };
        await using var connection = new NpgsqlConnection(missing.ConnectionString);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => connection.OpenAsync());
        AssertOutage(error);
    }

    [PostgresFact]
    public async Task QueryError_IsNotAnOutage()
    {
        await using var connection = await OpenAsync();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => QueryAsync(connection, "SELECT * FROM no_such_table"));
        output.WriteLine($"query error: {Describe(error)}");
        Assert.False(DatabaseUnavailable.IsUnavailable(error), Describe(error));
    }

    private void AssertOutage(Exception error)
    {
        output.WriteLine($"outage: {Describe(error)}");
        Assert.True(DatabaseUnavailable.IsUnavailable(error), Describe(error));
    }

    private static string Describe(Exception error) =>
        error is PostgresException pg ? $"{error.GetType().Name} {pg.SqlState}: {pg.MessageText}" : $"{error.GetType().Name}: {error.Message} ({error.InnerException?.GetType().Name})";

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var unpooled = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false };
        var connection = new NpgsqlConnection(unpooled.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task QueryAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteScalarAsync();
    }

    private static async Task AdminAsync(string sql)
    {
        var admin = new NpgsqlConnectionStringBuilder(TestDatabase.PostgresServer!) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await QueryAsync(connection, sql);
    }
}
