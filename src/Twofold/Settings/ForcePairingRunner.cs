using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Twofold.Data;
using Twofold.Pairing;

namespace Twofold.Settings;

public enum BatchOutcome
{
    /// <summary>No running job.</summary>
    Idle,
    Progressed,
    Finished,
}

/// <summary>Processes one batch of a running <see cref="ForcePairingJob"/> in one transaction.</summary>
public sealed class ForcePairingRunner(
    TwofoldDbContext db, PairingLinkIssuer pairing, IOptions<ForcePairingOptions> options, TimeProvider time, ILogger<ForcePairingRunner> logger)
{
    public async Task<BatchOutcome> RunBatchAsync(CancellationToken ct)
    {
        var job = await db.ForcePairingJobs
            .Where(j => j.State == ForcePairingJobState.Running)
            .OrderBy(j => j.Id)
            .FirstOrDefaultAsync(ct);
        if (job is null)
        {
            return BatchOutcome.Idle;
        }

        var op = await db.Operators.SingleAsync(o => o.Id == job.OperatorId, ct);
        var size = options.Value.BatchSize;

        // Keyset walk in id order: each batch costs the same however far the job has come.
        var users = db.Users.Where(u => u.OperatorId == job.OperatorId);
        if (job.Cursor is { } cursor)
        {
            users = users.Where(u => u.Id.CompareTo(cursor) > 0);
        }

        var batch = await users.OrderBy(u => u.Id).Take(size).ToListAsync(ct);
        var ids = batch.Select(u => u.Id).ToList();
        var paired = await db.Authenticators
            .Where(a => ids.Contains(a.UserId) && a.Status == AuthenticatorStatus.Paired)
            .Select(a => a.UserId)
            .ToListAsync(ct);
        var unpaired = batch.Where(u => !paired.Contains(u.Id)).ToList();
        await pairing.IssueManyAsync(db, unpaired, op, PairingReason.ForcedByOperator, ct);

        job.ProcessedUsers += batch.Count;
        job.MailsQueued += unpaired.Count;
        job.Version++;
        if (batch.Count > 0)
        {
            job.Cursor = batch[^1].Id;
        }

        var finished = batch.Count < size;
        if (finished)
        {
            job.State = ForcePairingJobState.Completed;
            job.FinishedAt = time.GetUtcNow();
        }

        // Cursor, counts and mails commit together; a concurrent untick or another node makes this throw and roll back.
        await db.SaveChangesAsync(ct);
        if (finished)
        {
            logger.LogInformation(
                LogEvents.ForceChanged, "Force job {JobId} of operator {OperatorId} completed: {Users} users, {Mails} pairing mails",
                job.Id, job.OperatorId, job.ProcessedUsers, job.MailsQueued);
        }

        return finished ? BatchOutcome.Finished : BatchOutcome.Progressed;
    }
}
