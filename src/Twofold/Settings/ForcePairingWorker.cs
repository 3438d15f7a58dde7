using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Twofold.Settings;

/// <summary>
/// Runs force-pairing jobs in the background, one batch per scope (flat memory whatever the user
/// count). Jobs live in the database, so one left by a crash or started on another node is found
/// by the next poll.
/// </summary>
internal sealed class ForcePairingWorker(
    IServiceScopeFactory scopes, ForcePairingSignal signal, IOptions<ForcePairingOptions> options, ILogger<ForcePairingWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromSeconds(options.Value.PollSeconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var outcome = BatchOutcome.Idle;
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    outcome = await scope.ServiceProvider.GetRequiredService<ForcePairingRunner>().RunBatchAsync(stoppingToken);
                }
                catch (DbUpdateConcurrencyException)
                {
                    // Unticked meanwhile, or another node took the batch: nothing was committed; look again.
                    outcome = BatchOutcome.Progressed;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(LogEvents.ForceChanged, ex, "Force pairing batch failed; retry in {PollSeconds} s", poll.TotalSeconds);
                }

                // Idle or failed (outcome stays Idle): wait; after a batch, go straight on to the next.
                if (outcome == BatchOutcome.Idle)
                {
                    await signal.WaitAsync(poll, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; the job resumes from its committed cursor.
        }
    }
}
