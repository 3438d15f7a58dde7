using Microsoft.EntityFrameworkCore;
using Twofold.Audit;
using Twofold.Data;

namespace Twofold.Settings;

public enum ForceOutcome
{
    Saved,
    Unchanged,
    /// <summary>The acting administrator has no paired device: they must confirm they know they will have to pair.</summary>
    NeedsConfirmation,
}

public sealed record ForceResult(ForceOutcome Outcome);

/// <summary>Progress of the newest fan-out, for the settings page.</summary>
public sealed record ForcePairingProgress(ForcePairingJobState State, int ProcessedUsers, int TotalUsers, int MailsQueued);

/// <summary>General Settings of one operator: "Force two factor authentication for all users".</summary>
public sealed class OperatorSettings(TwofoldDbContext db, ForcePairingSignal signal, TimeProvider time, AuditLog audit, ILogger<OperatorSettings> logger)
{
    public Task<Operator> GetAsync(int operatorId, CancellationToken ct = default) =>
        db.Operators.SingleAsync(o => o.Id == operatorId, ct);

    public async Task<ForceResult> SetForceAsync(int operatorId, Guid actingUserId, bool force, bool confirmed, CancellationToken ct = default)
    {
        // A fan-out batch committing at the same moment makes the job's version check fail: start over, bounded.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TrySetForceAsync(operatorId, actingUserId, force, confirmed, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<ForceResult> TrySetForceAsync(int operatorId, Guid actingUserId, bool force, bool confirmed, CancellationToken ct)
    {
        var op = await GetAsync(operatorId, ct);
        if (op.ForceTwoFactor == force)
        {
            return new ForceResult(ForceOutcome.Unchanged);
        }

        if (force && !confirmed && !await IsPairedAsync(actingUserId, ct))
        {
            return new ForceResult(ForceOutcome.NeedsConfirmation);
        }

        // One transaction: the setting, the job (or its cancellation) and the removal of pending secrets.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        op.ForceTwoFactor = force;
        var running = await db.ForcePairingJobs
            .Where(j => j.OperatorId == operatorId && j.State == ForcePairingJobState.Running).ToListAsync(ct);
        foreach (var job in running)
        {
            // Bumping the version makes a batch in flight fail to commit: nobody is mailed after the untick.
            job.State = ForcePairingJobState.Cancelled;
            job.FinishedAt = time.GetUtcNow();
            job.Version++;
        }

        if (force)
        {
            // The grace period of every existing user counts from now (Recovery/GracePeriod).
            op.ForcedAt = time.GetUtcNow();
            // Everyone without a paired device gets a link, sent in the background: with 100,000 users
            // this page must not wait for them. The job commits with the setting, so it is never lost.
            db.Add(new ForcePairingJob
            {
                OperatorId = operatorId,
                RequestedBy = actingUserId,
                State = ForcePairingJobState.Running,
                TotalUsers = await db.Users.CountAsync(u => u.OperatorId == operatorId, ct),
                CreatedAt = time.GetUtcNow(),
            });
        }
        else
        {
            // Back to each user's own choice: links sent only because of forcing stop working.
            var optedOut = db.Users.Where(u => u.OperatorId == operatorId && !u.TwoFactorEnabled).Select(u => u.Id);
            await db.Authenticators
                .Where(a => optedOut.Contains(a.UserId) && a.Status == AuthenticatorStatus.Pending)
                .ExecuteDeleteAsync(ct);
        }

        var actor = await db.Users.FindAsync([actingUserId], ct);
        audit.Record(force ? AuditEventType.TwoFactorForced : AuditEventType.TwoFactorUnforced, null, actor,
            force ? "pairing links sent in the background" : null, operatorId);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (force)
        {
            signal.Notify();
        }

        logger.LogInformation(LogEvents.ForceChanged, "Operator {OperatorId} force two-factor set to {Force} by {UserId}", operatorId, force, actingUserId);
        return new ForceResult(ForceOutcome.Saved);
    }

    /// <summary>The newest fan-out of the operator, or null if there never was one.</summary>
    public Task<ForcePairingProgress?> GetProgressAsync(int operatorId, CancellationToken ct = default) =>
        db.ForcePairingJobs.AsNoTracking()
            .Where(j => j.OperatorId == operatorId)
            .OrderByDescending(j => j.Id)
            .Select(j => new ForcePairingProgress(j.State, j.ProcessedUsers, j.TotalUsers, j.MailsQueued))
            .FirstOrDefaultAsync(ct);

    /// <summary>"Remember a device for N days" and "Grace period" (validated by the page). True when something changed.</summary>
    public async Task<bool> SetPoliciesAsync(int operatorId, Guid actingUserId, int rememberDeviceDays, int gracePeriodHours, CancellationToken ct = default)
    {
        var op = await GetAsync(operatorId, ct);
        if (op.RememberDeviceDays == rememberDeviceDays && op.GracePeriodHours == gracePeriodHours)
        {
            return false;
        }

        op.RememberDeviceDays = rememberDeviceDays;
        op.GracePeriodHours = gracePeriodHours;
        var actor = await db.Users.FindAsync([actingUserId], ct);
        audit.Record(AuditEventType.SettingsChanged, null, actor,
            $"remember a device for {rememberDeviceDays} day(s), grace period {gracePeriodHours} hour(s)", operatorId);
        await db.SaveChangesAsync(ct);
        logger.LogInformation(LogEvents.ForceChanged, "Operator {OperatorId} policies set by {UserId}: remember device {Days} days, grace {Hours} hours",
            operatorId, actingUserId, rememberDeviceDays, gracePeriodHours);
        return true;
    }

    private Task<bool> IsPairedAsync(Guid userId, CancellationToken ct) =>
        db.Authenticators.AnyAsync(a => a.UserId == userId && a.Status == AuthenticatorStatus.Paired, ct);
}
