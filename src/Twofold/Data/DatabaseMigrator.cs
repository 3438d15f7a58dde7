using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Twofold.Data;

/// <summary>
/// Applies EF Core migrations before the server starts listening (IHostedService.StartAsync runs
/// before Kestrel accepts requests), so no request ever meets an old schema.
/// </summary>
internal sealed class DatabaseMigrator(IServiceProvider services, IOptions<DatabaseOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStart)
        {
            return;
        }

        await using var scope = services.CreateAsyncScope();
        await MigrateAsync(scope.ServiceProvider.GetRequiredService<TwofoldDbContext>(), cancellationToken);
    }

    /// <summary>Applies pending migrations; shared with the admin CLI, which migrates before every command.</summary>
    public static async Task MigrateAsync(TwofoldDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers work while the outbox or a sign-in writes.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
