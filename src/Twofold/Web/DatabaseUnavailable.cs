using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Twofold.Web;

/// <summary>
/// Maps "the database cannot be reached" to 503 with a clear page instead of a 500. Nothing is kept
/// between requests, so the service recovers by itself as soon as the database answers again;
/// /health (a connection check) reports Unhealthy meanwhile.
/// </summary>
internal static class DatabaseUnavailable
{
    public const string Message = "Twofold cannot reach its database right now. Nothing was changed; try again in a minute.";

    // SQLITE_PERM, BUSY, LOCKED, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB: the file, not the query, is the problem.
    private static readonly HashSet<int> SqliteUnavailableCodes = [3, 5, 6, 8, 10, 11, 13, 14, 26];

    public static IApplicationBuilder UseDatabaseUnavailablePage(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseUnavailable));
        return app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception ex) when (IsUnavailable(ex) && !context.Response.HasStarted)
            {
                logger.LogError(LogEvents.DatabaseUnavailable, ex, "Database unavailable while serving {Method} {Path}", context.Request.Method, context.Request.Path);
                await PlainErrorPage.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Unavailable", Message, retryAfterSeconds: 30);
            }
        });
    }

    /// <summary>True when <paramref name="exception"/> or one of its causes says the database cannot be reached.</summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case SqliteException sqlite when SqliteUnavailableCodes.Contains(sqlite.SqliteErrorCode):
                    return true;
                case PostgresException pg when IsOutage(pg):
                    return true;
                case PostgresException:
                    return false; // the server answered: a query error, not an outage
                case NpgsqlException:
                case DbException { IsTransient: true }:
                case SocketException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Connection errors (08), insufficient resources (53), shutdown and crash (57P01-03), and anything
    /// FATAL: the server ended the session, e.g. at connect "database is not currently accepting
    /// connections" (55000), "does not exist" (3D000) or a refused login. A query error is only ERROR.
    /// </summary>
    private static bool IsOutage(PostgresException pg) =>
        pg.SqlState.StartsWith("08", StringComparison.Ordinal)
        || pg.SqlState.StartsWith("53", StringComparison.Ordinal)
        || pg.SqlState is "57P01" or "57P02" or "57P03"
        || pg.InvariantSeverity is "FATAL" or "PANIC";
}
