using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Twofold.Data;

namespace Twofold.Mail;

/// <summary>The outbox rows as the dispatcher sees them: claiming due mail and recording each delivery result.</summary>
internal sealed class OutboxStore(TwofoldDbContext db, IOptions<SmtpOptions> options, TimeProvider time)
{
    /// <summary>Claims up to BatchSize due mails for this node; returns them (untracked), oldest due first.</summary>
    public async Task<OutboxClaim> ClaimAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (db.Database.IsNpgsql())
        {
            return await ClaimSkippingLockedAsync(now, options.Value.BatchSize, ct);
        }

        // SQLite has one writer at a time, so find-then-conditionally-claim cannot hand a row out twice.
        var candidates = await FindDueAsync(now, options.Value.BatchSize, ct);
        return await TryClaimAsync(candidates, now, ct);
    }

    /// <summary>
    /// PostgreSQL: one statement that locks due rows with SKIP LOCKED and claims them, so nodes
    /// draining at the same moment take disjoint batches instead of queueing behind one another's
    /// row locks (with the plain conditional UPDATE they stay correct but the losers claim nothing).
    /// The conditions are re-checked on the locked row version, so a row is never claimed twice.
    /// </summary>
    public async Task<OutboxClaim> ClaimSkippingLockedAsync(DateTimeOffset now, int max, CancellationToken ct)
    {
        var token = Guid.NewGuid();
        var until = now + options.Value.ClaimLease;
        var queued = (int)OutboxStatus.Queued;
        var claimed = await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE "OutboxMessages" SET "ClaimToken" = {token}, "ClaimedUntil" = {until}
            WHERE "Id" IN (
                SELECT "Id" FROM "OutboxMessages"
                WHERE "Status" = {queued} AND "NextAttemptAt" <= {now} AND ("ClaimedUntil" IS NULL OR "ClaimedUntil" < {now})
                ORDER BY "NextAttemptAt", "Id"
                LIMIT {max}
                FOR UPDATE SKIP LOCKED)
            """,
            ct);
        return claimed == 0 ? new OutboxClaim(token, []) : new OutboxClaim(token, await ClaimedByAsync(token, ct));
    }

    public Task<List<long>> FindDueAsync(DateTimeOffset now, int max, CancellationToken ct) =>
        Due(db.Outbox, now).OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id).Select(m => m.Id).Take(max).ToListAsync(ct);

    /// <summary>
    /// Claims those of <paramref name="candidates"/> that are still due and unclaimed. The UPDATE
    /// re-checks the conditions, so when two nodes found the same rows only one wins each row.
    /// </summary>
    public async Task<OutboxClaim> TryClaimAsync(IReadOnlyCollection<long> candidates, DateTimeOffset now, CancellationToken ct)
    {
        var token = Guid.NewGuid();
        if (candidates.Count == 0)
        {
            return new OutboxClaim(token, []);
        }

        var until = now + options.Value.ClaimLease;
        var claimed = await Due(db.Outbox, now)
            .Where(m => candidates.Contains(m.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimToken, token).SetProperty(m => m.ClaimedUntil, until), ct);
        if (claimed == 0)
        {
            return new OutboxClaim(token, []);
        }

        return new OutboxClaim(token, await ClaimedByAsync(token, ct));
    }

    private Task<List<OutboxMessage>> ClaimedByAsync(Guid token, CancellationToken ct) =>
        db.Outbox.AsNoTracking()
            .Where(m => m.ClaimToken == token)
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id)
            .ToListAsync(ct);

    /// <summary>
    /// Delivered: the bodies (one-time links) are erased; the row stays as the record. Not cancellable:
    /// the SMTP server has the mail, so forgetting that would send it twice.
    /// </summary>
    public Task MarkSentAsync(long id, Guid token)
    {
        var now = time.GetUtcNow();
        return db.Outbox.Where(m => m.Id == id && m.ClaimToken == token).ExecuteUpdateAsync(
            s => s.SetProperty(m => m.Status, OutboxStatus.Sent)
                .SetProperty(m => m.SentAt, now)
                .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                .SetProperty(m => m.ProtectedTextBody, (string?)null)
                .SetProperty(m => m.ProtectedHtmlBody, (string?)null)
                .SetProperty(m => m.ClaimToken, (Guid?)null)
                .SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null),
            CancellationToken.None);
    }

    /// <summary>Counts a failed attempt: schedules a retry with exponential back-off, or gives up after MaxAttempts.</summary>
    public async Task<OutboxFailure> MarkFailedAsync(OutboxMessage message, Guid token, string error)
    {
        var smtp = options.Value;
        var now = time.GetUtcNow();
        var attempts = message.Attempts + 1;
        var failed = attempts >= smtp.MaxAttempts;
        var next = failed ? now : now + RetryDelay(smtp, attempts);
        await Claimed(message, token).ExecuteUpdateAsync(
            s => s.SetProperty(m => m.Status, failed ? OutboxStatus.Failed : OutboxStatus.Queued)
                .SetProperty(m => m.Attempts, attempts)
                .SetProperty(m => m.NextAttemptAt, next)
                .SetProperty(m => m.LastError, error)
                .SetProperty(m => m.ClaimToken, (Guid?)null)
                .SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null),
            CancellationToken.None);
        return new OutboxFailure(attempts, failed, next);
    }

    /// <summary>Gives back claimed mail that was not tried (shutdown), so it need not wait for the lease to end.</summary>
    public Task ReleaseAsync(Guid token) =>
        db.Outbox.Where(m => m.ClaimToken == token && m.Status == OutboxStatus.Queued)
            .ExecuteUpdateAsync(
                s => s.SetProperty(m => m.ClaimToken, (Guid?)null).SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null),
                CancellationToken.None);

    /// <summary>FirstRetrySeconds · 2^(attempts−1), at most MaxRetrySeconds.</summary>
    public static TimeSpan RetryDelay(SmtpOptions smtp, int attempts)
    {
        var seconds = smtp.FirstRetrySeconds * Math.Pow(2, Math.Max(0, attempts - 1));
        return TimeSpan.FromSeconds(Math.Min(seconds, smtp.MaxRetrySeconds));
    }

    private static IQueryable<OutboxMessage> Due(IQueryable<OutboxMessage> outbox, DateTimeOffset now) =>
        outbox.Where(m => m.Status == OutboxStatus.Queued && m.NextAttemptAt <= now && (m.ClaimedUntil == null || m.ClaimedUntil < now));

    // Only while our claim holds: a node whose lease ran out must not overwrite the new owner's result.
    private IQueryable<OutboxMessage> Claimed(OutboxMessage message, Guid token) =>
        db.Outbox.Where(m => m.Id == message.Id && m.ClaimToken == token);
}

internal sealed record OutboxClaim(Guid Token, IReadOnlyList<OutboxMessage> Messages);

internal sealed record OutboxFailure(int Attempts, bool GaveUp, DateTimeOffset NextAttemptAt);
