using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Twofold.Audit;
using Twofold.Data;
using Twofold.Login;
using Twofold.Mail;
using Twofold.Pairing;
using Twofold.Totp;

namespace Twofold.Profile;

public enum TwoFactorState
{
    Off,
    WaitingForPairing,
    Paired,
}

public sealed record TurnOffResult(TurnOffOutcome Outcome, DateTimeOffset? LockedUntil = null);

public sealed record TwoFactorStatus(bool Enabled, bool ForcedByOperator, TwoFactorState State, string? Email);

public enum TurnOffOutcome
{
    TurnedOff,
    Forced,
    ConfirmationMissing,
    ConfirmationWrong,
    LockedOut,
}

/// <summary>The profile's "Use two factor authentication" switch: turning it on mails a pairing link; turning it off needs proof.</summary>
public sealed class TwoFactorSettings(
    TwofoldDbContext db,
    UserManager<TwofoldUser> users,
    SignInManager<TwofoldUser> signIn,
    PairingLinkIssuer pairing,
    TwoFactorVerifier codes,
    PasswordAttempts passwordAttempts,
    AuditLog audit,
    SecurityNotices notices,
    ILogger<TwoFactorSettings> logger)
{
    public async Task<TwoFactorStatus> GetStatusAsync(TwofoldUser user, CancellationToken ct = default)
    {
        var forced = await db.Operators.Where(o => o.Id == user.OperatorId).Select(o => o.ForceTwoFactor).SingleAsync(ct);
        var paired = await db.Authenticators.AnyAsync(a => a.UserId == user.Id && a.Status == AuthenticatorStatus.Paired, ct);
        var required = user.TwoFactorEnabled || forced;
        var state = !required ? TwoFactorState.Off : paired ? TwoFactorState.Paired : TwoFactorState.WaitingForPairing;
        return new TwoFactorStatus(user.TwoFactorEnabled, forced, state, user.Email);
    }

    /// <summary>Turns the user's choice on and queues the pairing mail in the same transaction.</summary>
    public async Task TurnOnAsync(TwofoldUser user, CancellationToken ct = default)
    {
        var op = await db.Operators.SingleAsync(o => o.Id == user.OperatorId, ct);
        user.TwoFactorEnabled = true;
        var paired = await db.Authenticators.AnyAsync(a => a.UserId == user.Id && a.Status == AuthenticatorStatus.Paired, ct);
        if (!paired)
        {
            await pairing.IssueAsync(db, user, op, PairingReason.EnabledByUser, ct);
        }

        audit.Record(AuditEventType.TwoFactorEnabled, user);
        await db.SaveChangesAsync(ct);
        logger.LogInformation(LogEvents.TwoFactorEnabled, "Two-factor turned on by user {UserId}", user.Id);
    }

    public async Task SendNewLinkAsync(TwofoldUser user, CancellationToken ct = default)
    {
        var op = await db.Operators.SingleAsync(o => o.Id == user.OperatorId, ct);
        await pairing.IssueAsync(db, user, op, PairingReason.EnabledByUser, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// A stolen session alone must not remove the second factor: the caller proves the password
    /// (counted like a sign-in) or a current code (single-use, counted like a sign-in code).
    /// </summary>
    public async Task<TurnOffResult> TurnOffAsync(
        TwofoldUser user, string? password, string? code, CancellationToken ct = default)
    {
        if (await db.Operators.Where(o => o.Id == user.OperatorId).Select(o => o.ForceTwoFactor).SingleAsync(ct))
        {
            return new TurnOffResult(TurnOffOutcome.Forced);
        }

        if (!string.IsNullOrEmpty(password))
        {
            if (passwordAttempts.LockedUntil(user) is { } lockedUntil)
            {
                return new TurnOffResult(TurnOffOutcome.LockedOut, lockedUntil);
            }

            if (!await users.CheckPasswordAsync(user, password))
            {
                return await passwordAttempts.RecordFailureAsync(user, ct) is { } until
                    ? new TurnOffResult(TurnOffOutcome.LockedOut, until)
                    : new TurnOffResult(TurnOffOutcome.ConfirmationWrong);
            }

            await passwordAttempts.ResetAsync(user, ct);
        }
        else if (TotpCode.TryParse(code, out var parsed))
        {
            var check = await codes.VerifyAsync(user.Id, parsed, AuthenticatorStatus.Paired, ct);
            if (check.Outcome == CodeOutcome.LockedOut)
            {
                return new TurnOffResult(TurnOffOutcome.LockedOut, check.LockedUntil);
            }

            if (check.Outcome != CodeOutcome.Accepted)
            {
                return new TurnOffResult(TurnOffOutcome.ConfirmationWrong);
            }
        }
        else
        {
            return new TurnOffResult(TurnOffOutcome.ConfirmationMissing);
        }

        // The secret and the recovery codes go with the choice: turning it on again pairs afresh with a new set.
        // Everything below is written by the one SaveChanges of UpdateSecurityStampAsync (one transaction).
        db.Authenticators.RemoveRange(await db.Authenticators.Where(a => a.UserId == user.Id).ToListAsync(ct));
        db.RecoveryCodes.RemoveRange(await db.RecoveryCodes.Where(c => c.UserId == user.Id).ToListAsync(ct));
        user.TwoFactorEnabled = false;
        audit.Record(AuditEventType.TwoFactorDisabled, user, detail: password is null ? "confirmed with a code" : "confirmed with the password");
        await notices.TwoFactorTurnedOffAsync(user, ct);
        var saved = await users.UpdateSecurityStampAsync(user); // signs out every other session; saves the row and the notice
        if (!saved.Succeeded)
        {
            throw new InvalidOperationException("Turning two-factor off was not saved: " + string.Join(" ", saved.Errors.Select(e => e.Code)));
        }

        await signIn.RefreshSignInAsync(user);
        logger.LogInformation(LogEvents.TwoFactorDisabled, "Two-factor turned off by user {UserId}", user.Id);
        return new TurnOffResult(TurnOffOutcome.TurnedOff);
    }
}
