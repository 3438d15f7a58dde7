using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Twofold.IntegrationTests.Infrastructure;

/// <summary>
/// One throwaway database for one factory, on the provider chosen by the environment:
/// <c>TEST_DB_PROVIDER</c> = <c>Sqlite</c> (default: a file in a temp folder) or <c>Postgres</c>
/// (a fresh, uniquely named database on the server of <c>TEST_PG_CONNECTION</c>, dropped on dispose).
/// The app's own migrations make the schema, as in production.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string ProviderVariable = "TEST_DB_PROVIDER";
    public const string PostgresVariable = "TEST_PG_CONNECTION";
    public const string PostgresSkipReason =
        "PostgreSQL tests skipped: TEST_PG_CONNECTION not set; scripts/test.sh provisions a server";

    private static int counter;
    private readonly string? folder;
    private readonly string? serverConnection;
    private readonly string? databaseName;

    private TestDatabase(string provider, string connectionString, string? folder, string? serverConnection, string? databaseName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.folder = folder;
        this.serverConnection = serverConnection;
        this.databaseName = databaseName;
    }

    /// <summary>The value for the app's <c>Database:Provider</c>.</summary>
    public string Provider { get; }

    /// <summary>The value for the app's <c>ConnectionStrings:Default</c>.</summary>
    public string ConnectionString { get; }

    public bool IsPostgres => Provider == "Postgres";

    /// <summary>The SQLite file, or null on PostgreSQL.</summary>
    public string? SqlitePath => folder is null ? null : Path.Combine(folder, "twofold.db");

    /// <summary>The server of <c>TEST_PG_CONNECTION</c>, or null when it is not set.</summary>
    public static string? PostgresServer =>
        System.Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : null;

    /// <summary>True when the environment asks for PostgreSQL (<c>TEST_DB_PROVIDER=Postgres</c>).</summary>
    public static bool PostgresRequested =>
        string.Equals(System.Environment.GetEnvironmentVariable(ProviderVariable), "Postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>Creates the database the environment asks for.</summary>
    public static Task<TestDatabase> CreateAsync() => PostgresRequested ? CreatePostgresAsync() : Task.FromResult(CreateSqlite());

    public static TestDatabase CreateSqlite()
    {
        var folder = Path.Combine(Path.GetTempPath(), "twofold-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return new TestDatabase("Sqlite", $"Data Source={Path.Combine(folder, "twofold.db")}", folder, null, null);
    }

    /// <summary>CREATE DATABASE on the test server; fails clearly when the server is not configured.</summary>
    public static async Task<TestDatabase> CreatePostgresAsync()
    {
        var server = PostgresServer ?? throw new InvalidOperationException(
            $"{ProviderVariable}=Postgres needs {PostgresVariable} (e.g. Host=127.0.0.1;Port=5432;Username=postgres).");

        // Lower case, no quoting surprises; process id and counter keep parallel runs apart.
        var name = string.Create(CultureInfo.InvariantCulture,
            $"twofold_test_{System.Environment.ProcessId}_{Interlocked.Increment(ref counter)}_{Guid.NewGuid().ToString("N")[..8]}");
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false };
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        // Small pools: many factories run in parallel against one server with a connection limit.
        var app = new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 40 };
        return new TestDatabase("Postgres", app.ConnectionString, null, server, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (folder is not null)
        {
            // Pooled connections keep the file open.
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder must not fail the run.
            }
        }

        if (serverConnection is not null && databaseName is not null)
        {
            await using (var pooled = new NpgsqlConnection(ConnectionString))
            {
                NpgsqlConnection.ClearPool(pooled);
            }

            var admin = new NpgsqlConnectionStringBuilder(serverConnection) { Database = "postgres", Pooling = false };
            await using var connection = new NpgsqlConnection(admin.ConnectionString);
            await connection.OpenAsync();

            // FORCE: a child process or a leftover pooled connection must not keep the database alive.
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{databaseName}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
