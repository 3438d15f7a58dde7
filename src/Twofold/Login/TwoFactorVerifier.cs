using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Twofold.Data;
using Twofold.Mail;
using Twofold.Totp;

namespace Twofold.Login;

public enum CodeOutcome
{
    Accepted,
    Wrong,
    Replayed,
    LockedOut,
    /// <summary>Refused, but the code matches a step up to ±10 steps away: the phone's clock is off by <see cref="CodeCheck.DriftSteps"/>.</summary>
    ClockDrift,
}

public sealed record CodeCheck(CodeOutcome Outcome, long? Step = null, DateTimeOffset? LockedUntil = null, int? DriftSteps = null);

/// <summary>
/// Verifies a user's code against their authenticator secrets and enforces the two rules that need
/// the store: a time step is accepted at most once per user, and consecutive wrong codes lock the
/// code step. Both are single conditional UPDATE statements, so they hold across requests and nodes.
/// </summary>
public sealed class TwoFactorVerifier(
    TwofoldDbContext db, AuthenticatorSecrets secrets, TotpVerifier totp,
    IOptions<SecurityOptions> options, TimeProvider time, LockoutRecorder? lockouts = null)
{
    public async Task<CodeCheck> VerifyAsync(Guid userId, int code, AuthenticatorStatus status, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var lockedUntil = await db.Users.Where(u => u.Id == userId).Select(u => u.CodeLockoutEnd).SingleAsync(ct);
        if (lockedUntil > now)
        {
            return new CodeCheck(CodeOutcome.LockedOut, LockedUntil: lockedUntil);
        }

        var devices = await db.Authenticators
            .Where(a => a.UserId == userId && a.Status == status)
            .Select(a => new { a.Id, a.ProtectedSecret, a.StepOffset, a.StepOffsetPinned })
            .ToListAsync(ct);

        var current = totp.CurrentStep;
        var window = totp.Options;
        var keys = new List<byte[]>(devices.Count);
        long? matched = null;
        var matchedDevice = -1;
        for (var i = 0; i < devices.Count; i++)
        {
            var key = secrets.Unprotect(devices[i].ProtectedSecret);
            keys.Add(key);
            var step = ClockDrift.VerifyLearned(key, code, current, devices[i].StepOffset, devices[i].StepOffsetPinned, window.PastSteps, window.FutureSteps);
            if (step is not null && (matched is null || step > matched))
            {
                matched = step;
                matchedDevice = i;
            }
        }

        if (matched is { } accepted)
        {
            if (await TryConsumeStepAsync(userId, accepted, ct))
            {
                var device = devices[matchedDevice];
                var (learned, pinned) = ClockDrift.NextOffset(accepted, current, device.StepOffset, device.StepOffsetPinned);
                if (learned != device.StepOffset || pinned != device.StepOffsetPinned)
                {
                    await db.Authenticators.Where(a => a.Id == device.Id)
                        .ExecuteUpdateAsync(s => s.SetProperty(a => a.StepOffset, learned).SetProperty(a => a.StepOffsetPinned, pinned), ct);
                }

                return new CodeCheck(CodeOutcome.Accepted, accepted);
            }

            return await CountFailureAsync(userId, CodeOutcome.Replayed, ct);
        }

        // Failure path only: a wider search that explains "wrong" codes from a phone with a wrong clock.
        foreach (var key in keys)
        {
            if (ClockDrift.Diagnose(key, code, current) is { } drift)
            {
                var check = await CountFailureAsync(userId, CodeOutcome.ClockDrift, ct);
                return check.Outcome == CodeOutcome.ClockDrift ? check with { DriftSteps = drift } : check;
            }
        }

        return await CountFailureAsync(userId, CodeOutcome.Wrong, ct);
    }

    /// <summary>
    /// Records <paramref name="step"/> as used when it is later than every step used before.
    /// False means the code (or an older one) was already used: a replay.
    /// </summary>
    public async Task<bool> TryConsumeStepAsync(Guid userId, long step, CancellationToken ct)
    {
        var updated = await db.Users
            .Where(u => u.Id == userId && (u.LastAcceptedTotpStep == null || u.LastAcceptedTotpStep < step))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.LastAcceptedTotpStep, step).SetProperty(u => u.CodeFailedCount, 0), ct);
        return updated == 1;
    }

    /// <summary>Counts a wrong code (or recovery code) towards the code lockout.</summary>
    public async Task<CodeCheck> CountFailureAsync(Guid userId, CodeOutcome outcome, CancellationToken ct)
    {
        await db.Users.Where(u => u.Id == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.CodeFailedCount, u => u.CodeFailedCount + 1), ct);

        var max = options.Value.MaxFailedCodes;
        var until = time.GetUtcNow().AddMinutes(options.Value.CodeLockoutMinutes);
        // Only the request whose increment reached the limit sets the lockout and restarts the count;
        // the lock, its audit row and the owner's notice commit together.
        await using var tx = lockouts is null || db.Database.CurrentTransaction is not null ? null : await db.Database.BeginTransactionAsync(ct);
        var locked = await db.Users.Where(u => u.Id == userId && u.CodeFailedCount >= max)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.CodeLockoutEnd, until).SetProperty(u => u.CodeFailedCount, 0), ct);
        if (locked == 1 && lockouts is not null)
        {
            await lockouts.RecordAsync(userId, LockoutKind.Code, until, ct);
        }

        if (tx is not null)
        {
            await tx.CommitAsync(ct);
        }

        return locked == 1 ? new CodeCheck(CodeOutcome.LockedOut, LockedUntil: until) : new CodeCheck(outcome);
    }
}
