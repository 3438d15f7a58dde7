using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Twofold.Data;

/// <summary>
/// Per-connection SQLite settings, applied once per native connection (a pooled connection keeps them):
/// <list type="bullet">
/// <item><c>busy_timeout</c>: a writer that finds the write lock taken waits inside SQLite, retrying after
/// 1, 2, 5, 10 … ms. Without it Microsoft.Data.Sqlite retries on its own after a fixed 150-ms sleep, which
/// under concurrent sign-ins turned a sub-millisecond wait for the lock into 150, 300 or 450 ms.</item>
/// <item><c>synchronous</c>: <see cref="DatabaseOptions.SqliteSynchronous"/>.</item>
/// </list>
/// </summary>
internal sealed class SqliteConnectionSetup(SqliteSynchronous synchronous) : DbConnectionInterceptor
{
    private static readonly object Marker = new();

    // Keyed on the native handle, which the pool reuses; weak, so closed handles are not kept alive.
    private readonly ConditionalWeakTable<object, object> configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        if (connection is not SqliteConnection sqlite || sqlite.Handle is not { } handle || configured.TryGetValue(handle, out _))
        {
            return;
        }

        using var command = sqlite.CreateCommand();
        var busyMilliseconds = (long)sqlite.DefaultTimeout * 1000;
        command.CommandText = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {busyMilliseconds}; PRAGMA synchronous = {(synchronous == SqliteSynchronous.Normal ? "NORMAL" : "FULL")};");
        command.ExecuteNonQuery();
        configured.AddOrUpdate(handle, Marker);
    }
}
