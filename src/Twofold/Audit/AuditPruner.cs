using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Twofold.Data;

namespace Twofold.Audit;

/// <summary>
/// Deletes audit rows older than <see cref="AuditOptions.RetentionDays"/>: once at start-up, then daily.
/// The delay runs on the injected TimeProvider, so tests drive it with a fake clock (or call
/// <see cref="PruneAsync"/> directly). Several nodes pruning at once is harmless: it is one DELETE.
/// </summary>
public sealed class AuditPruner(
    IServiceScopeFactory scopes, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditPruner> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    /// <summary>Deletes expired rows; returns how many.</summary>
    public async Task<int> PruneAsync(CancellationToken ct = default)
    {
        var cutoff = time.GetUtcNow().AddDays(-options.Value.RetentionDays);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TwofoldDbContext>();
        var deleted = await db.Set<AuditEvent>().Where(e => e.At < cutoff).ExecuteDeleteAsync(ct);
        if (deleted > 0)
        {
            logger.LogInformation(LogEvents.AuditPruned, "Pruned {Count} audit events older than {Days} days", deleted, options.Value.RetentionDays);
        }

        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed prune (database briefly away) must not stop the app; tomorrow's run retries.
                logger.LogError(LogEvents.AuditPruneFailed, ex, "Pruning audit events failed");
            }

            try
            {
                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
