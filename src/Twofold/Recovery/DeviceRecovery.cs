using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Twofold.Audit;
using Twofold.Data;
using Twofold.Login;
using Twofold.Mail;
using Twofold.Pairing;
using Twofold.Totp;

namespace Twofold.Recovery;

public enum ProofOutcome
{
    Proven,
    Missing,
    Wrong,
    LockedOut,
    ClockDrift,
}

public sealed record ProofResult(ProofOutcome Outcome, DateTimeOffset? LockedUntil = null, int? DriftSteps = null);

/// <summary>
/// Profile actions for a lost or replaced phone. A stolen session alone must not be enough: each needs
/// a current code (and "Pair a new device" also the password), counted like sign-in attempts.
/// </summary>
public sealed class DeviceRecovery(
    TwofoldDbContext db,
    UserManager<TwofoldUser> users,
    PasswordAttempts passwordAttempts,
    TwoFactorVerifier codes,
    RecoveryCodes recoveryCodes,
    PairingLinkIssuer pairing,
    AuditLog audit,
    SecurityNotices notices,
    ILogger<DeviceRecovery> logger)
{
    public async Task<ProofResult> ProvePasswordAsync(TwofoldUser user, string? password, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(password))
        {
            return new ProofResult(ProofOutcome.Missing);
        }

        if (passwordAttempts.LockedUntil(user) is { } lockedUntil)
        {
            return new ProofResult(ProofOutcome.LockedOut, lockedUntil);
        }

        if (!await users.CheckPasswordAsync(user, password))
        {
            return await passwordAttempts.RecordFailureAsync(user, ct) is { } until
                ? new ProofResult(ProofOutcome.LockedOut, until)
                : new ProofResult(ProofOutcome.Wrong);
        }

        await passwordAttempts.ResetAsync(user, ct);
        return new ProofResult(ProofOutcome.Proven);
    }

    /// <summary>A current app code, or (when allowed) a recovery code, which is then spent.</summary>
    public async Task<ProofResult> ProveCodeAsync(TwofoldUser user, string? code, bool allowRecoveryCode, CancellationToken ct = default)
    {
        if (TotpCode.TryParse(code, out var parsed))
        {
            var check = await codes.VerifyAsync(user.Id, parsed, AuthenticatorStatus.Paired, ct);
            return check.Outcome switch
            {
                CodeOutcome.Accepted => new ProofResult(ProofOutcome.Proven),
                CodeOutcome.LockedOut => new ProofResult(ProofOutcome.LockedOut, check.LockedUntil),
                CodeOutcome.ClockDrift => new ProofResult(ProofOutcome.ClockDrift, DriftSteps: check.DriftSteps),
                _ => new ProofResult(ProofOutcome.Wrong),
            };
        }

        if (allowRecoveryCode && RecoveryCodes.LooksLikeRecoveryCode(code))
        {
            var redeemed = await recoveryCodes.RedeemAsync(user.Id, code, ct);
            if (redeemed.Outcome == RedeemOutcome.Accepted)
            {
                audit.Record(AuditEventType.RecoveryCodeUsed, user, detail: "on the profile");
                await notices.RecoveryCodeUsedAsync(user, redeemed.Remaining, ct);
                await db.SaveChangesAsync(ct);
                logger.LogInformation(LogEvents.RecoveryCodeUsed, "User {UserId} used a recovery code on the profile; {Remaining} left", user.Id, redeemed.Remaining);
                return new ProofResult(ProofOutcome.Proven);
            }

            return redeemed.Outcome == RedeemOutcome.LockedOut
                ? new ProofResult(ProofOutcome.LockedOut, redeemed.LockedUntil)
                : new ProofResult(ProofOutcome.Wrong);
        }

        return new ProofResult(string.IsNullOrWhiteSpace(code) ? ProofOutcome.Missing : ProofOutcome.Wrong);
    }

    /// <summary>
    /// Mails a fresh pairing link. The paired device keeps working; confirming the link pairs the new
    /// one and only then removes the old (<see cref="PairingService.PairAsync"/>).
    /// </summary>
    public async Task RequestNewDeviceAsync(TwofoldUser user, CancellationToken ct = default)
    {
        var op = await db.Operators.SingleAsync(o => o.Id == user.OperatorId, ct);
        await pairing.IssueAsync(db, user, op, PairingReason.NewDevice, ct);
        audit.Record(AuditEventType.NewDeviceRequested, user);
        await db.SaveChangesAsync(ct);
        logger.LogInformation(LogEvents.NewDeviceRequested, "User {UserId} asked to pair a new device", user.Id);
    }

    /// <summary>Voids every earlier recovery code and returns the new set (to show once).</summary>
    public async Task<IReadOnlyList<string>> RegenerateAsync(TwofoldUser user, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var fresh = await recoveryCodes.ReplaceAsync(user.Id, ct);
        audit.Record(AuditEventType.RecoveryCodesRegenerated, user);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        logger.LogInformation(LogEvents.RecoveryCodesRegenerated, "User {UserId} regenerated recovery codes", user.Id);
        return fresh;
    }

    public Task<bool> IsPairedAsync(Guid userId, CancellationToken ct = default) =>
        db.Authenticators.AnyAsync(a => a.UserId == userId && a.Status == AuthenticatorStatus.Paired, ct);
}
