using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Twofold.Data;
using Twofold.Pairing;

namespace Twofold.Recovery;

/// <summary>
/// Queues the one reminder mail 24 h before a user's grace deadline. "Once" holds across nodes and
/// restarts: a conditional UPDATE claims the user for that deadline and the mail is queued in the same
/// transaction, so of two nodes only the one whose UPDATE changed the row sends it.
/// </summary>
public sealed class GraceReminders(TwofoldDbContext db, PairingLinkIssuer pairing, TimeProvider time, ILogger<GraceReminders> logger)
{
    public static readonly TimeSpan Lead = TimeSpan.FromHours(24);

    private const int BatchSize = 200;

    public async Task<int> QueueDueAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        // Only periods longer than the lead time: a 24-h period would remind at the moment of forcing.
        var operators = await db.Operators.AsNoTracking()
            .Where(o => o.ForceTwoFactor && o.ForcedAt != null && o.GracePeriodHours > Lead.TotalHours)
            .ToListAsync(ct);
        var queued = 0;
        foreach (var op in operators)
        {
            var candidates = await db.Users.AsNoTracking()
                .Where(u => u.OperatorId == op.Id && !u.TwoFactorEnabled
                    && !db.Authenticators.Any(a => a.UserId == u.Id && a.Status == AuthenticatorStatus.Paired))
                .OrderBy(u => u.Id)
                .Select(u => new { u.Id, u.CreatedAt, u.GraceReminderDeadline })
                .Take(BatchSize)
                .ToListAsync(ct);
            foreach (var candidate in candidates)
            {
                var deadline = GracePeriod.DeadlineFor(op, candidate.CreatedAt, userChoseTwoFactor: false)!.Value;
                if (candidate.GraceReminderDeadline == deadline || now < deadline - Lead || now >= deadline)
                {
                    continue;
                }

                queued += await QueueOneAsync(op, candidate.Id, deadline, ct) ? 1 : 0;
            }
        }

        return queued;
    }

    private async Task<bool> QueueOneAsync(Operator op, Guid userId, DateTimeOffset deadline, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.Users
            .Where(u => u.Id == userId && (u.GraceReminderDeadline == null || u.GraceReminderDeadline != deadline))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.GraceReminderDeadline, deadline), ct);
        if (claimed != 1)
        {
            return false; // another node (or an earlier scan) sent it
        }

        var user = await db.Users.SingleAsync(u => u.Id == userId, ct);
        // A fresh link in the reminder: the one mailed when forcing may have expired by now.
        await pairing.IssueAsync(db, user, op, PairingReason.GraceReminder, deadline, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        logger.LogInformation(LogEvents.GraceReminderQueued, "Grace-period reminder queued for user {UserId}", userId);
        return true;
    }
}

/// <summary>Runs <see cref="GraceReminders"/> on every node at a fixed interval of the app's <see cref="TimeProvider"/>.</summary>
public sealed class GraceReminderService(
    IServiceScopeFactory scopes, IOptions<RecoveryOptions> options, TimeProvider time, ILogger<GraceReminderService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.Value.ReminderScanMinutes), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<GraceReminders>().QueueDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next tick tries again; a failed scan must not stop the service.
                logger.LogError(LogEvents.GraceReminderQueued, ex, "Grace-period reminder scan failed");
            }
        }
    }
}
