using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Twofold.Audit;
using Twofold.Data;
using Twofold.Login;
using Twofold.Recovery;
using Twofold.Totp;

namespace Twofold.Pairing;

public enum LinkState
{
    Valid,
    Unknown,
    Expired,
    Used,
    Replaced,
}

public sealed record PairingLink(LinkState State, PairingToken? Token = null, string? OperatorCode = null, string? Login = null);

public enum UnlockOutcome
{
    Unlocked,
    Failed,
    LockedOut,
    LinkInvalid,
}

/// <summary>What the QR step shows: only ever rendered into a no-store response.</summary>
public sealed record PairingSecret(string OtpAuthUri, string GroupedSecret, string Ticket);

public sealed record UnlockResult(UnlockOutcome Outcome, PairingSecret? Secret = null, DateTimeOffset? LockedUntil = null, LinkState LinkState = LinkState.Valid);

public enum PairOutcome
{
    Paired,
    BadFormat,
    WrongCode,
    ReplayedCode,
    TicketExpired,
    LinkInvalid,
    /// <summary>The code matches a step further than ±2 steps away: the phone's clock is off.</summary>
    ClockDrift,
}

public sealed record PairResult(
    PairOutcome Outcome, PairingSecret? Secret = null, LinkState LinkState = LinkState.Valid,
    IReadOnlyList<string>? RecoveryCodes = null, int? DriftSteps = null);

/// <summary>
/// The pairing link's three steps. Opening the link (GET) only reads: mail scanners that pre-open
/// links change nothing. The password step proves the account owner, and hands out a short-lived
/// ticket; the code step consumes the token, pairs the device and uses up the code's time step.
/// </summary>
public sealed class PairingService(
    TwofoldDbContext db,
    UserManager<TwofoldUser> users,
    AuthenticatorSecrets secrets,
    TwoFactorVerifier codes,
    RecoveryCodes recoveryCodes,
    PasswordAttempts passwordAttempts,
    IDataProtectionProvider protection,
    AuditLog audit,
    IOptions<TotpOptions> totpOptions,
    TimeProvider time,
    ILogger<PairingService> logger)
{
    private static readonly TimeSpan TicketLifetime = TimeSpan.FromMinutes(15);
    private readonly IDataProtector ticketProtector = protection.CreateProtector("Twofold.PairingTicket.v1");

    public async Task<PairingLink> LookupAsync(string? token, CancellationToken ct = default)
    {
        var hash = PairingTokens.HashOf(token);
        if (hash is null)
        {
            return new PairingLink(LinkState.Unknown);
        }

        var row = await db.PairingTokens.AsNoTracking().Include(t => t.User).ThenInclude(u => u.Operator)
            .SingleOrDefaultAsync(t => t.TokenHash == hash, ct);
        var state = row switch
        {
            null => LinkState.Unknown,
            { ConsumedAt: not null } => LinkState.Used,
            { RevokedAt: not null } => LinkState.Replaced,
            _ when row.ExpiresAt <= time.GetUtcNow() => LinkState.Expired,
            _ => LinkState.Valid,
        };
        return state == LinkState.Valid
            ? new PairingLink(state, row, row!.User.Operator.Code, row.User.Login)
            : new PairingLink(state, state == LinkState.Expired ? row : null);
    }

    /// <summary>
    /// The link was opened (GET). Changes no state of the link or the account; an expired link leaves an
    /// audit row, the administrator's hint that someone still needs to pair.
    /// </summary>
    public async Task<PairingLink> OpenAsync(string? token, CancellationToken ct = default)
    {
        var link = await LookupAsync(token, ct);
        if (link is { State: LinkState.Expired, Token: { } expired })
        {
            await audit.RecordNowAsync(AuditEventType.PairingLinkExpired, expired.User, ct: ct);
        }

        return link;
    }

    public async Task<UnlockResult> UnlockAsync(string? token, string operatorCode, string login, string password, CancellationToken ct = default)
    {
        var link = await LookupAsync(token, ct);
        if (link.State != LinkState.Valid)
        {
            return new UnlockResult(UnlockOutcome.LinkInvalid, LinkState: link.State);
        }

        var user = await users.FindByIdAsync(link.Token!.UserId.ToString());
        var sameAccount = user is not null
            && string.Equals(TwofoldUser.ComposeUserName(operatorCode, login), user.UserName, StringComparison.OrdinalIgnoreCase);
        if (user is null || !sameAccount)
        {
            return new UnlockResult(UnlockOutcome.Failed);
        }

        if (passwordAttempts.LockedUntil(user) is { } lockedUntil)
        {
            return new UnlockResult(UnlockOutcome.LockedOut, LockedUntil: lockedUntil);
        }

        // The same password counter as /login: the link is no side door for guessing.
        if (!await users.CheckPasswordAsync(user, password))
        {
            return await passwordAttempts.RecordFailureAsync(user, ct) is { } until
                ? new UnlockResult(UnlockOutcome.LockedOut, LockedUntil: until)
                : new UnlockResult(UnlockOutcome.Failed);
        }

        await passwordAttempts.ResetAsync(user, ct);

        return new UnlockResult(UnlockOutcome.Unlocked, await SecretForAsync(link, ct));
    }

    /// <param name="validCode">False when the typed code was malformed: the step is shown again without a check.</param>
    public async Task<PairResult> PairAsync(string? token, string? ticket, int code, bool validCode, CancellationToken ct = default)
    {
        var link = await LookupAsync(token, ct);
        if (link.State != LinkState.Valid)
        {
            return new PairResult(PairOutcome.LinkInvalid, LinkState: link.State);
        }

        if (!TicketIsValid(ticket, link.Token!.Id))
        {
            return new PairResult(PairOutcome.TicketExpired);
        }

        if (!validCode)
        {
            return new PairResult(PairOutcome.BadFormat, await SecretForAsync(link, ct));
        }

        var pending = await db.Authenticators.SingleAsync(a => a.Id == link.Token.AuthenticatorId, ct);
        var secret = secrets.Unprotect(pending.ProtectedSecret);
        // A wider window than at sign-in (±2 steps), only here: it learns the offset of a phone whose clock is off.
        var currentStep = Rfc6238.StepAt(time.GetUtcNow());
        var step = ClockDrift.VerifyPairing(secret, code, currentStep);
        if (step is null)
        {
            return ClockDrift.Diagnose(secret, code, currentStep) is { } drift
                ? new PairResult(PairOutcome.ClockDrift, await SecretForAsync(link, ct), DriftSteps: drift)
                : new PairResult(PairOutcome.WrongCode, await SecretForAsync(link, ct));
        }

        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Consume the token first: of two concurrent confirmations only one gets the row.
        var consumed = await db.PairingTokens
            .Where(t => t.Id == link.Token.Id && t.ConsumedAt == null && t.RevokedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedAt, now), ct);
        if (consumed != 1)
        {
            return new PairResult(PairOutcome.LinkInvalid, LinkState: LinkState.Used);
        }

        if (!await codes.TryConsumeStepAsync(link.Token.UserId, step.Value, ct))
        {
            await tx.RollbackAsync(ct);
            return new PairResult(PairOutcome.ReplayedCode, await SecretForAsync(link, ct));
        }

        // The new device replaces any earlier one only now that it has proven to work.
        await db.Authenticators.Where(a => a.UserId == link.Token.UserId && a.Status == AuthenticatorStatus.Paired)
            .ExecuteDeleteAsync(ct);
        pending.Status = AuthenticatorStatus.Paired;
        pending.PairedAt = now;
        pending.StepOffset = (int)(step.Value - currentStep);
        // Every pairing (first device or a replacement) comes with a fresh set of recovery codes, shown once.
        var recovery = await recoveryCodes.ReplaceAsync(link.Token.UserId, ct);
        audit.Record(AuditEventType.PairingLinkUsed, link.Token.User);
        audit.Record(AuditEventType.DevicePaired, link.Token.User);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        logger.LogInformation(LogEvents.DevicePaired, "Device paired for user {UserId} with clock offset {StepOffset} steps", link.Token.UserId, pending.StepOffset);
        return new PairResult(PairOutcome.Paired, RecoveryCodes: recovery);
    }

    private async Task<PairingSecret> SecretForAsync(PairingLink link, CancellationToken ct)
    {
        var token = link.Token!;
        var protectedSecret = await db.Authenticators.Where(a => a.Id == token.AuthenticatorId).Select(a => a.ProtectedSecret).SingleAsync(ct);
        var secret = secrets.Unprotect(protectedSecret);
        var uri = OtpAuthUri.Create(totpOptions.Value.Issuer, link.OperatorCode!, link.Login!, secret);
        var expires = time.GetUtcNow().Add(TicketLifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var ticket = ticketProtector.Protect($"{token.Id:N}|{expires}");
        return new PairingSecret(uri, OtpAuthUri.GroupedBase32(secret), ticket);
    }

    private bool TicketIsValid(string? ticket, Guid tokenId)
    {
        if (string.IsNullOrEmpty(ticket))
        {
            return false;
        }

        try
        {
            var parts = ticketProtector.Unprotect(ticket).Split('|');
            return parts.Length == 2 && parts[0] == tokenId.ToString("N")
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
                && time.GetUtcNow().ToUnixTimeSeconds() < expires;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
