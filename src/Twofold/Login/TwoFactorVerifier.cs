using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Twofold.Audit;
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
    IOptions<SecurityOptions> options, TimeProvider time, LockoutRecorder? lockouts = null, AcceptedCodeBatch? batch = null,
    GuardAndAuditStatement? guardAndAudit = null)
{
    public async Task<CodeCheck> VerifyAsync(Guid userId, int code, AuthenticatorStatus status, CancellationToken ct = default)
    {
        var lockedUntil = await db.Users.Where(u => u.Id == userId).Select(u => u.CodeLockoutEnd).SingleAsync(ct);
        return await VerifyAsync(userId, lockedUntil, devices: null, status, code, record: null, ct);
    }

    /// <summary>
    /// For a user row read in this request with its paired devices (the sign-in's pending user): its lockout end
    /// is checked as read there, and the devices are not read again. The lockout itself is set by
    /// <see cref="CountFailureAsync"/>'s conditional UPDATE either way.
    /// </summary>
    internal Task<CodeCheck> VerifyAsync(
        TwofoldUser user, IReadOnlyList<SignInQueries.DeviceKey> pairedDevices, int code, Action<CodeCheck> record, CancellationToken ct = default) =>
        VerifyAsync(user.Id, user.CodeLockoutEnd, pairedDevices, AuthenticatorStatus.Paired, code, record, ct);

    /// <param name="devices">The user's devices in <paramref name="status"/>; null: read them here.</param>
    /// <param name="record">
    /// Adds the caller's rows for the outcome (its audit event) to the context. They are saved in the same
    /// transaction as the outcome's writes (replay guard, learned offset, failure count, lockout), so a sign-in
    /// costs one commit instead of one per statement, and no outcome is stored without its audit row. Without
    /// it nothing the caller has pending is saved here.
    /// </param>
    private async Task<CodeCheck> VerifyAsync(
        Guid userId, DateTimeOffset? lockedUntil, IReadOnlyList<SignInQueries.DeviceKey>? devices, AuthenticatorStatus status,
        int code, Action<CodeCheck>? record, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (lockedUntil > now)
        {
            var locked = new CodeCheck(CodeOutcome.LockedOut, LockedUntil: lockedUntil);
            return record is null ? locked : await InOneUnitAsync(() => Task.FromResult(locked), record, ct);
        }

        devices ??= await SignInQueries.Devices(db, userId, status).ToListAsync(ct);

        var current = totp.CurrentStep;
        var window = totp.Options;
        var keys = new List<byte[]>(devices.Count);
        long? matched = null;
        var matchedDevice = -1;
        for (var i = 0; i < devices.Count; i++)
        {
            var key = secrets.Unprotect(devices[i].ProtectedSecret);
            keys.Add(key);
            var step = ClockDrift.VerifyLearned(key, code, current, devices[i].StepOffset, window.PastSteps, window.FutureSteps);
            if (step is not null && (matched is null || step > matched))
            {
                matched = step;
                matchedDevice = i;
            }
        }

        // All hashing is done before the writes start: the transaction (SQLite's one writer lock) stays short.
        if (matched is { } accepted)
        {
            var device = devices[matchedDevice];
            var learned = ClockDrift.NextOffset(accepted, current, device.StepOffset);
            var offsetChanged = learned != device.StepOffset;
            // One commit made elsewhere for the guard and the caller's rows: SQLite's group commit, or PostgreSQL's
            // single statement (which takes no offset and exactly one audit row).
            if (record is not null && db.Database.CurrentTransaction is null && (batch is not null || (guardAndAudit is not null && !offsetChanged))
                && TakeAddedRows(new CodeCheck(CodeOutcome.Accepted, accepted), record) is { } rows)
            {
                bool? consumed = batch is not null
                    ? await batch.ConsumeAsync(userId, accepted, offsetChanged ? new AcceptedCodeBatch.Offset(device.Id, learned) : null, rows, ct)
                    : rows is [AuditEvent row] ? await guardAndAudit!.TryConsumeAsync(db, userId, accepted, row, ct) : null;
                if (consumed is true)
                {
                    return new CodeCheck(CodeOutcome.Accepted, accepted);
                }

                if (consumed is false)
                {
                    return await InOneUnitAsync(() => CountFailureAsync(userId, CodeOutcome.Replayed, ct), record, ct);
                }

                // Other rows than one audit row: dropped here, recorded again below for the outcome the transaction finds.
            }

            return await InOneUnitAsync(async () =>
            {
                if (!await TryConsumeStepAsync(userId, accepted, ct))
                {
                    return await CountFailureAsync(userId, CodeOutcome.Replayed, ct);
                }

                if (offsetChanged)
                {
                    await db.Authenticators.Where(a => a.Id == device.Id)
                        .ExecuteUpdateAsync(s => s.SetProperty(a => a.StepOffset, learned), ct);
                }

                return new CodeCheck(CodeOutcome.Accepted, accepted);
            }, record, ct);
        }

        // Failure path only: a wider search that explains "wrong" codes from a phone with a wrong clock.
        int? drift = null;
        var driftDevice = -1;
        for (var i = 0; i < keys.Count && drift is null; i++)
        {
            drift = ClockDrift.Diagnose(keys[i], code, current);
            driftDevice = i;
        }

        // The step just after the device's window: refused (the window stays 60 s), but learned.
        var relearned = drift is { } seen ? ClockDrift.RelearnedOffset(seen, devices[driftDevice].StepOffset, window.FutureSteps) : null;

        return await InOneUnitAsync(async () =>
        {
            if (drift is null)
            {
                return await CountFailureAsync(userId, CodeOutcome.Wrong, ct);
            }

            if (relearned is { } offset)
            {
                var deviceId = devices[driftDevice].Id;
                await db.Authenticators.Where(a => a.Id == deviceId).ExecuteUpdateAsync(s => s.SetProperty(a => a.StepOffset, offset), ct);
            }

            var check = await CountFailureAsync(userId, CodeOutcome.ClockDrift, ct);
            return check.Outcome == CodeOutcome.ClockDrift ? check with { DriftSteps = drift } : check;
        }, record, ct);
    }

    /// <summary>
    /// The rows <paramref name="record"/> adds for <paramref name="check"/>, taken out of this context so the
    /// group commit saves them; null (nothing taken) when the context has other unsaved changes, which must
    /// then be saved in this context's own transaction.
    /// </summary>
    private List<object>? TakeAddedRows(CodeCheck check, Action<CodeCheck> record)
    {
        if (db.ChangeTracker.HasChanges())
        {
            return null;
        }

        record(check);
        var added = db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList();
        if (added.Count != db.ChangeTracker.Entries().Count(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted))
        {
            throw new InvalidOperationException("The audit callback may only add rows.");
        }

        foreach (var entry in added)
        {
            entry.State = EntityState.Detached;
        }

        return added.Select(e => e.Entity).ToList();
    }

    /// <summary>
    /// Runs <paramref name="writes"/>, then saves the rows <paramref name="record"/> adds, in one transaction
    /// (or in the caller's, when one is open). One commit, so one fsync, per verification.
    /// </summary>
    private async Task<CodeCheck> InOneUnitAsync(Func<Task<CodeCheck>> writes, Action<CodeCheck>? record, CancellationToken ct)
    {
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var check = await writes();
        if (record is not null)
        {
            record(check);
            // In our own transaction a failed save rolls everything back, so EF's savepoint around it would only
            // cost two statements; in the caller's transaction the caller decides, so EF's default stays.
            var savepoints = db.Database.AutoSavepointsEnabled;
            db.Database.AutoSavepointsEnabled = savepoints && tx is null;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            finally
            {
                db.Database.AutoSavepointsEnabled = savepoints;
            }
        }

        if (tx is not null)
        {
            await tx.CommitAsync(ct);
        }

        return check;
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
