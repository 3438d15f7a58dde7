using Microsoft.EntityFrameworkCore;
using Twofold.Data;

namespace Twofold.Mail;

/// <summary>Administrator actions on the outbox ("resend" of a failed mail).</summary>
public sealed class OutboxAdmin(TwofoldDbContext db, TimeProvider time, OutboxSignal signal)
{
    /// <summary>How many failed mails /users lists; older ones stay in the table for the CLI.</summary>
    public const int MaxListed = 50;

    /// <summary>
    /// The operator's mails that gave up, newest first: recipient, subject, last error and when.
    /// Never the bodies (they hold one-time links).
    /// </summary>
    public async Task<IReadOnlyList<FailedMail>> ListFailedAsync(int operatorId, CancellationToken ct = default)
    {
        return await db.Outbox.AsNoTracking()
            .Where(m => m.OperatorId == operatorId && m.Status == OutboxStatus.Failed)
            .OrderByDescending(m => m.NextAttemptAt).ThenByDescending(m => m.Id)
            .Take(MaxListed)
            .Select(m => new FailedMail(m.Id, m.ToAddress, m.Subject, m.LastError, m.Attempts, m.NextAttemptAt))
            .ToListAsync(ct);
    }

    /// <summary>
    /// Puts a failed mail of <paramref name="operatorId"/> back in the queue with a fresh attempt budget.
    /// The operator check keeps an administrator from resending another operator's mail.
    /// Returns false when there is no failed mail with that id for that operator.
    /// </summary>
    public Task<bool> RequeueFailedAsync(long messageId, int operatorId, CancellationToken ct = default) =>
        RequeueAsync(db.Outbox.Where(m => m.Id == messageId && m.OperatorId == operatorId), ct);

    /// <summary>Like <see cref="RequeueFailedAsync"/> for any operator: for the server administrator's CLI only.</summary>
    public Task<bool> RequeueFailedAnyOperatorAsync(long messageId, CancellationToken ct = default) =>
        RequeueAsync(db.Outbox.Where(m => m.Id == messageId), ct);

    private async Task<bool> RequeueAsync(IQueryable<OutboxMessage> message, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var updated = await message
            .Where(m => m.Status == OutboxStatus.Failed)
            .ExecuteUpdateAsync(
                s => s.SetProperty(m => m.Status, OutboxStatus.Queued)
                    .SetProperty(m => m.Attempts, 0)
                    .SetProperty(m => m.NextAttemptAt, now)
                    .SetProperty(m => m.ClaimToken, (Guid?)null)
                    .SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null),
                ct);
        if (updated == 0)
        {
            return false;
        }

        // ExecuteUpdate bypasses SaveChanges, so the interceptor does not see it.
        signal.Notify();
        return true;
    }
}

/// <summary>A mail that gave up. <see cref="FailedAt"/> is the last attempt (the failed row's NextAttemptAt).</summary>
public sealed record FailedMail(long Id, string ToAddress, string Subject, string? LastError, int Attempts, DateTimeOffset FailedAt);
