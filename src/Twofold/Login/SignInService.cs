using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Twofold.Audit;
using Twofold.Data;
using Twofold.Pairing;
using Twofold.Recovery;

namespace Twofold.Login;

public enum SignInOutcome
{
    /// <summary>Unknown operator, unknown login or wrong password: deliberately one outcome.</summary>
    Failed,
    LockedOut,
    SignedIn,
    CodeRequired,
    PairingRequired,
    /// <summary>The "password verified" state is missing or expired: start again at /login.</summary>
    NoPendingSignIn,
    WrongCode,
    ReplayedCode,
    /// <summary>Refused: the code belongs to a time up to ±10 steps away (<see cref="SignInResult.DriftSteps"/>).</summary>
    ClockDrift,
}

/// <param name="RememberDays">With <see cref="SignInOutcome.CodeRequired"/>: the operator's "remember a device" days (0 = off), for the code dialog.</param>
public sealed record SignInResult(SignInOutcome Outcome, DateTimeOffset? LockedUntil = null, string? MaskedEmail = null, int? DriftSteps = null, int RememberDays = 0);

/// <summary>
/// Stages sign-in like Identity's SignInManager: password → short-lived, separate "password
/// verified" cookie → code → session. Unlike SignInManager, wrong passwords and wrong codes have
/// separate counters, so someone who only knows a login cannot use wrong codes to lock the owner out
/// of password sign-in, nor wrong passwords to spend the code attempts.
/// </summary>
public sealed class SignInService(
    UserManager<TwofoldUser> users,
    SignInManager<TwofoldUser> signIn,
    TwofoldDbContext db,
    TwoFactorVerifier codes,
    PasswordAttempts passwordAttempts,
    PairingLinkIssuer pairing,
    AuditLog audit,
    RememberedDevices rememberedDevices,
    GracePeriod gracePeriod,
    IOptions<SecurityOptions> options,
    TimeProvider time,
    ILogger<SignInService> logger)
{
    private const string StampClaim = "twofold:stamp";

    // A real hash of a random password: unknown logins cost the same hashing time as known ones.
    private static readonly Lazy<string> TimingDummyHash = new(() =>
        new PasswordHasher<TwofoldUser>().HashPassword(null!, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));

    private SignInQueries.PendingUser? pending;

    private HttpContext Http => signIn.Context;

    public async Task<SignInResult> PasswordStepAsync(string operatorCode, string login, string password, CancellationToken ct)
    {
        // The user, its operator and "has a paired device" in one query, before the hash: one round trip per step.
        var row = await SignInQueries.UserByNameWithOperator(db, users.NormalizeName(TwofoldUser.ComposeUserName(operatorCode, login))!);
        if (row is not { User: var user })
        {
            users.PasswordHasher.VerifyHashedPassword(null!, TimingDummyHash.Value, password);
            logger.LogInformation(LogEvents.SignInFailed, "Sign-in failed: unknown operator or login");
            // The typed login is not stored: people type passwords into the login field.
            var normalized = Operator.Normalize(operatorCode);
            var operatorId = await db.Operators.Where(o => o.NormalizedCode == normalized).Select(o => (int?)o.Id).SingleOrDefaultAsync(ct);
            if (operatorId is not null)
            {
                await audit.RecordNowAsync(AuditEventType.SignInFailedPassword, null, detail: "unknown login", operatorId: operatorId, ct: ct);
            }

            return new SignInResult(SignInOutcome.Failed);
        }

        if (passwordAttempts.LockedUntil(user) is { } lockedUntil)
        {
            await audit.RecordNowAsync(AuditEventType.SignInFailedPassword, user, detail: "account locked", ct: ct);
            return new SignInResult(SignInOutcome.LockedOut, lockedUntil);
        }

        if (!await users.CheckPasswordAsync(user, password))
        {
            logger.LogInformation(LogEvents.SignInFailed, "Sign-in failed: wrong password for user {UserId}", user.Id);
            await audit.RecordNowAsync(AuditEventType.SignInFailedPassword, user, detail: "wrong password", ct: ct);
            return await passwordAttempts.RecordFailureAsync(user, ct) is { } until
                ? new SignInResult(SignInOutcome.LockedOut, until)
                : new SignInResult(SignInOutcome.Failed);
        }

        await passwordAttempts.ResetAsync(user, ct);

        var op = row.Operator;
        var required = user.TwoFactorEnabled || op.ForceTwoFactor;
        if (!required)
        {
            await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim("amr", "pwd")]);
            await audit.RecordNowAsync(AuditEventType.SignInSucceeded, user, detail: "password only", ct: ct);
            logger.LogInformation(LogEvents.SignedIn, "User {UserId} signed in with password only", user.Id);
            return new SignInResult(SignInOutcome.SignedIn);
        }

        var now = time.GetUtcNow();
        var paired = row.Paired;

        // A remembered device stands in for the code: the cookie is bound to this user's current security stamp.
        if (paired && rememberedDevices.IsRemembered(Http, user, op))
        {
            await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim("amr", "mfa")]);
            await audit.RecordNowAsync(AuditEventType.SignInSucceeded, user, detail: "password on a remembered device", ct: ct);
            logger.LogInformation(LogEvents.SignedIn, "User {UserId} signed in with password on a remembered device", user.Id);
            return new SignInResult(SignInOutcome.SignedIn);
        }

        if (user.CodeLockoutEnd > now)
        {
            await audit.RecordNowAsync(AuditEventType.SignInFailedCode, user, detail: "code step locked", ct: ct);
            return new SignInResult(SignInOutcome.LockedOut, user.CodeLockoutEnd);
        }

        if (!paired)
        {
            // Forced with a grace period: until the deadline the password still opens a session (with a banner).
            if (gracePeriod.IsWithin(GracePeriod.DeadlineFor(op, user)))
            {
                await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim("amr", "pwd")]);
                await audit.RecordNowAsync(AuditEventType.SignInSucceeded, user, detail: "password only, grace period", ct: ct);
                logger.LogInformation(LogEvents.SignedIn, "User {UserId} signed in with password during the grace period", user.Id);
                return new SignInResult(SignInOutcome.SignedIn);
            }

            await SendPairingMailIfDueAsync(user, op, now, ct);
            return new SignInResult(SignInOutcome.PairingRequired, MaskedEmail: EmailMask.Mask(user.Email));
        }

        // Not a session: only proof that the password was right, bound to the security stamp and
        // expiring after SecurityOptions.PasswordVerifiedMinutes (cookie options of this scheme).
        var identity = new ClaimsIdentity(IdentityConstants.TwoFactorUserIdScheme);
        identity.AddClaim(new Claim(ClaimTypes.Name, user.Id.ToString()));
        identity.AddClaim(new Claim(StampClaim, user.SecurityStamp ?? string.Empty));
        await Http.SignInAsync(IdentityConstants.TwoFactorUserIdScheme, new ClaimsPrincipal(identity));
        return new SignInResult(SignInOutcome.CodeRequired, RememberDays: op.RememberDeviceDays);
    }

    public async Task<bool> HasPendingCodeStepAsync() => await PendingUserAsync() is not null;

    /// <summary>Days a device may be remembered for the pending user's operator; 0 = the option is off.</summary>
    public async Task<int> RememberDaysForPendingAsync(CancellationToken ct = default) =>
        await PendingUserAsync() is { } user
            ? (await OperatorOfAsync(user, ct)).RememberDeviceDays
            : 0;

    public async Task<SignInResult> CodeStepAsync(int code, bool rememberDevice, CancellationToken ct)
    {
        if (await PendingAsync() is not { User: var user, PairedDevices: var devices })
        {
            return new SignInResult(SignInOutcome.NoPendingSignIn);
        }

        // The audit row is saved with the replay guard's (or the failure count's) write: one commit per code.
        var check = await codes.VerifyAsync(user, devices, code, record: c => audit.Record(
            c.Outcome == CodeOutcome.Accepted ? AuditEventType.SignInSucceeded : AuditEventType.SignInFailedCode, user, detail: c.Outcome switch
            {
                CodeOutcome.Accepted => "password and code",
                CodeOutcome.ClockDrift => "code from a drifted clock",
                CodeOutcome.LockedOut => "code step locked",
                CodeOutcome.Replayed => "code already used",
                _ => "wrong code",
            }), ct);
        switch (check.Outcome)
        {
            case CodeOutcome.Accepted:
                await CompleteSecondFactorAsync(user, rememberDevice, ct);
                logger.LogInformation(LogEvents.SignedIn, "User {UserId} signed in with password and code", user.Id);
                return new SignInResult(SignInOutcome.SignedIn);
            case CodeOutcome.ClockDrift:
                logger.LogInformation(LogEvents.CodeRejected, "Code from a drifted clock ({DriftSteps} steps) refused for user {UserId}", check.DriftSteps, user.Id);
                return new SignInResult(SignInOutcome.ClockDrift, DriftSteps: check.DriftSteps);
            case CodeOutcome.LockedOut:
                // Dropping the state means the password has to be proven again after the lockout.
                await Http.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
                pending = null;
                logger.LogWarning(LogEvents.CodeLockout, "Code step locked for user {UserId}", user.Id);
                return new SignInResult(SignInOutcome.LockedOut, check.LockedUntil);
            case CodeOutcome.Replayed:
                logger.LogInformation(LogEvents.CodeRejected, "Replayed code refused for user {UserId}", user.Id);
                return new SignInResult(SignInOutcome.ReplayedCode);
            default:
                logger.LogInformation(LogEvents.CodeRejected, "Wrong code for user {UserId}", user.Id);
                return new SignInResult(SignInOutcome.WrongCode);
        }
    }

    /// <summary>Ends the "password verified" state and opens the session (after a code or a recovery code).</summary>
    public async Task CompleteSecondFactorAsync(TwofoldUser user, bool rememberDevice, CancellationToken ct)
    {
        await Http.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
        pending = null;
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim("amr", "mfa")]);
        if (rememberDevice)
        {
            var days = (await OperatorOfAsync(user, ct)).RememberDeviceDays;
            if (days > 0)
            {
                rememberedDevices.Remember(Http, user, days);
                await audit.RecordNowAsync(AuditEventType.DeviceRemembered, user, detail: $"for {days} day(s)", ct: ct);
            }
        }
    }

    /// <summary>The user whose password was verified in this browser, while that state is valid.</summary>
    public async Task<TwofoldUser?> PendingUserAsync() => (await PendingAsync())?.User;

    // The page model and the code step both ask within one request: read once.
    private async Task<SignInQueries.PendingUser?> PendingAsync() => pending ??= await ReadPendingAsync();

    private async Task<SignInQueries.PendingUser?> ReadPendingAsync()
    {
        var result = await Http.AuthenticateAsync(IdentityConstants.TwoFactorUserIdScheme);
        var id = result.Principal?.FindFirstValue(ClaimTypes.Name);
        if (id is null)
        {
            return null;
        }

        if (!Guid.TryParse(id, out var userId))
        {
            return null;
        }

        var read = await SignInQueries.PendingUserWithDevices(db, userId);
        // A password change or reset since the password step voids the pending state.
        return read is not null && read.User.SecurityStamp == result.Principal!.FindFirstValue(StampClaim) ? read : null;
    }

    /// <summary>
    /// The user's operator, read once per request: EF's identity map answers the later look-ups of the same
    /// request (page model, code step, <see cref="TwofoldClaimsPrincipalFactory"/>) without a query.
    /// </summary>
    internal static async ValueTask<Operator> OperatorOfAsync(TwofoldDbContext db, TwofoldUser user, CancellationToken ct) =>
        await db.Operators.FindAsync([user.OperatorId], ct) ?? throw new InvalidOperationException("The user's operator does not exist.");

    private ValueTask<Operator> OperatorOfAsync(TwofoldUser user, CancellationToken ct) => OperatorOfAsync(db, user, ct);

    private async Task SendPairingMailIfDueAsync(TwofoldUser user, Operator op, DateTimeOffset now, CancellationToken ct)
    {
        var throttle = TimeSpan.FromMinutes(options.Value.PairingMailThrottleMinutes);
        if (user.LastPairingMailAt is { } last && now - last < throttle)
        {
            return;
        }

        await pairing.IssueAsync(db, user, op, PairingReason.RequestedAtSignIn, ct);
        await db.SaveChangesAsync(ct);
        logger.LogInformation(LogEvents.PairingLinkSent, "Pairing link queued at sign-in for user {UserId}", user.Id);
    }
}
