using System.ComponentModel.DataAnnotations;

namespace Twofold.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>SQLite's <c>PRAGMA synchronous</c> in WAL mode (see docs/configuration.md).</summary>
public enum SqliteSynchronous
{
    /// <summary>Every commit is synced to disk: nothing committed is lost on a process crash or a power loss.</summary>
    Full,

    /// <summary>
    /// The WAL is synced at checkpoints only: nothing committed is lost on a process crash, but the last
    /// commits can be lost on a power loss or OS crash (the file stays consistent).
    /// </summary>
    Normal,
}

public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary><c>Sqlite</c> (default, embedded file) or <c>Postgres</c>.</summary>
    [EnumDataType(typeof(DatabaseProvider))]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending EF Core migrations when the web app starts.</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// PostgreSQL only: Npgsql's <c>Max Auto Prepare</c> when the connection string does not set it. Statements
    /// run at least 5 times on a connection are prepared on the server, which then skips parsing and planning
    /// them (the sign-in runs the same few statements all day). 0 turns it off, e.g. behind a PgBouncer older
    /// than 1.21 in transaction mode.
    /// </summary>
    [Range(0, 1000)]
    public int PostgresMaxAutoPrepare { get; set; } = 64;

    /// <summary>SQLite only: <c>Full</c> (default) or <c>Normal</c>. Ignored for PostgreSQL.</summary>
    [EnumDataType(typeof(SqliteSynchronous))]
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Full;
}
