using Microsoft.EntityFrameworkCore;
using Twofold.Data;
using Twofold.Pairing;

namespace Twofold.Settings;

public enum ForceOutcome
{
    Saved,
    Unchanged,
    /// <summary>The acting administrator has no paired device: they must confirm they know they will have to pair.</summary>
    NeedsConfirmation,
}

public sealed record ForceResult(ForceOutcome Outcome, int PairingMailsQueued = 0);

/// <summary>General Settings of one operator: "Force two factor authentication for all users".</summary>
public sealed class OperatorSettings(TwofoldDbContext db, PairingLinkIssuer pairing, TimeProvider time, ILogger<OperatorSettings> logger)
{
    public Task<Operator> GetAsync(int operatorId, CancellationToken ct = default) =>
        db.Operators.SingleAsync(o => o.Id == operatorId, ct);

    public async Task<ForceResult> SetForceAsync(int operatorId, Guid actingUserId, bool force, bool confirmed, CancellationToken ct = default)
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

        op.ForceTwoFactor = force;
        var queued = 0;
        if (force)
        {
            // The grace period of every existing user counts from now (Recovery/GracePeriod).
            op.ForcedAt = time.GetUtcNow();
            // Everyone without a paired device gets a link now and must pair before signing in again.
            var unpaired = await db.Users
                .Where(u => u.OperatorId == operatorId
                    && !db.Authenticators.Any(a => a.UserId == u.Id && a.Status == AuthenticatorStatus.Paired))
                .ToListAsync(ct);
            foreach (var user in unpaired)
            {
                await pairing.IssueAsync(db, user, op, PairingReason.ForcedByOperator, ct);
                queued++;
            }
        }
        else
        {
            // Back to each user's own choice: links sent only because of forcing stop working.
            var optedOut = db.Users.Where(u => u.OperatorId == operatorId && !u.TwoFactorEnabled).Select(u => u.Id);
            foreach (var pending in await db.Authenticators
                .Where(a => optedOut.Contains(a.UserId) && a.Status == AuthenticatorStatus.Pending).ToListAsync(ct))
            {
                db.Authenticators.Remove(pending);
            }
        }

        await db.SaveChangesAsync(ct);
        // AUDIT: SettingsChanged (force two-factor on/off)
        logger.LogInformation(LogEvents.ForceChanged, "Operator {OperatorId} force two-factor set to {Force} by {UserId}; {Queued} pairing mails queued",
            operatorId, force, actingUserId, queued);
        return new ForceResult(ForceOutcome.Saved, queued);
    }

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
        await db.SaveChangesAsync(ct);
        // AUDIT: SettingsChanged
        logger.LogInformation(LogEvents.ForceChanged, "Operator {OperatorId} policies set by {UserId}: remember device {Days} days, grace {Hours} hours",
            operatorId, actingUserId, rememberDeviceDays, gracePeriodHours);
        return true;
    }

    private Task<bool> IsPairedAsync(Guid userId, CancellationToken ct) =>
        db.Authenticators.AnyAsync(a => a.UserId == userId && a.Status == AuthenticatorStatus.Paired, ct);
}
