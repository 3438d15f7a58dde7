using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Twofold.Audit;
using Twofold.Data;
using Twofold.Mail;
using Twofold.Pairing;
using Twofold.Web;
using Microsoft.Extensions.Options;

namespace Twofold.Login;

public enum ResetLinkState
{
    Valid,
    Unknown,
    Expired,
    Used,
}

public sealed record ResetOutcome(bool Succeeded, ResetLinkState LinkState, IReadOnlyList<string> Errors);

/// <summary>
/// "Forgot password?": mails a single-use link valid for <see cref="Lifetime"/>, then sets a new password.
/// Our own tokens rather than Identity's DataProtectorTokenProvider: that one checks expiry against the
/// system clock (not the injected TimeProvider, so expiry cannot be tested) and stays reusable until
/// the security stamp changes. Ours are stored only as SHA-256 hashes, consumed by a conditional
/// UPDATE, and also void once the stamp changes. A reset never touches the second factor.
/// </summary>
public sealed class PasswordResetService(
    TwofoldDbContext db,
    UserManager<TwofoldUser> users,
    MailOutbox outbox,
    AuditLog audit,
    AuditContext context,
    SecurityNotices notices,
    IOptions<AppOptions> app,
    TimeProvider time,
    ILogger<PasswordResetService> logger)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>At most one reset mail per account in this time: the form cannot be used to flood a mailbox.</summary>
    public static readonly TimeSpan MailThrottle = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Mails a link if the account exists and has an address. Runs in <see cref="PasswordResetWorker"/>,
    /// after the page has answered, so its cost reveals nothing about the account.
    /// </summary>
    public async Task RequestAsync(string operatorCode, string login, CancellationToken ct = default)
    {
        var (token, hash) = PairingTokens.Create();
        var user = await users.FindByNameAsync(TwofoldUser.ComposeUserName(operatorCode, login));
        var now = time.GetUtcNow();
        var recent = user is not null && await db.PasswordResetTokens.AnyAsync(t => t.UserId == user.Id && t.CreatedAt > now - MailThrottle, ct);
        if (user is null || string.IsNullOrEmpty(user.Email) || recent)
        {
            logger.LogInformation(LogEvents.PasswordResetRequested, "Password reset requested: no mail (unknown account, no address or throttled)");
            return;
        }

        // The newest link voids every older one.
        foreach (var open in await db.PasswordResetTokens.Where(t => t.UserId == user.Id && t.UsedAt == null && t.RevokedAt == null).ToListAsync(ct))
        {
            open.RevokedAt = now;
        }

        var expiresAt = now + Lifetime;
        db.PasswordResetTokens.Add(new PasswordResetToken
        {
            UserId = user.Id,
            TokenHash = hash,
            SecurityStamp = user.SecurityStamp ?? string.Empty,
            CreatedAt = now,
            ExpiresAt = expiresAt,
        });
        var operatorCodeShown = await db.Operators.Where(o => o.Id == user.OperatorId).Select(o => o.Code).SingleAsync(ct);
        outbox.Enqueue(db, PasswordResetMail.Create(
            user.Email, $"{operatorCodeShown} / {user.Login}", now, context.ClientIp,
            app.Value.Link("/login/reset-password", "token=" + token), expiresAt), user.OperatorId, user.Id);
        audit.Record(AuditEventType.PasswordResetRequested, user);
        await db.SaveChangesAsync(ct);
        logger.LogInformation(LogEvents.PasswordResetRequested, "Password reset link queued for user {UserId}", user.Id);
    }

    public async Task<ResetLinkState> LookupAsync(string? token, CancellationToken ct = default) =>
        (await FindAsync(token, ct)).State;

    public async Task<ResetOutcome> ResetAsync(string? token, string newPassword, CancellationToken ct = default)
    {
        var (state, row) = await FindAsync(token, ct);
        if (state != ResetLinkState.Valid)
        {
            return new ResetOutcome(false, state, []);
        }

        var user = await users.FindByIdAsync(row!.UserId.ToString());
        if (user is null)
        {
            return new ResetOutcome(false, ResetLinkState.Unknown, []);
        }

        var errors = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, newPassword);
            errors.AddRange(result.Errors.Select(e => e.Description));
        }

        if (errors.Count > 0)
        {
            return new ResetOutcome(false, ResetLinkState.Valid, errors);
        }

        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Consume first: of two concurrent posts of one link only one gets the row.
        var consumed = await db.PasswordResetTokens
            .Where(t => t.Id == row.Id && t.UsedAt == null && t.RevokedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct);
        if (consumed != 1)
        {
            return new ResetOutcome(false, ResetLinkState.Used, []);
        }

        user.PasswordHash = users.PasswordHasher.HashPassword(user, newPassword);
        // The owner proved the mailbox: a password lockout ends. The code lockout does not — the
        // second factor is untouched by a reset.
        user.AccessFailedCount = 0;
        user.LockoutEnd = null;
        audit.Record(AuditEventType.PasswordReset, user);
        await notices.PasswordChangedAsync(user, byResetLink: true, ct);
        // New stamp: every session and every other open reset link of this account ends; saves all of the above.
        var updated = await users.UpdateSecurityStampAsync(user);
        if (!updated.Succeeded)
        {
            return new ResetOutcome(false, ResetLinkState.Valid, updated.Errors.Select(e => e.Description).ToList());
        }

        await tx.CommitAsync(ct);
        logger.LogInformation(LogEvents.PasswordReset, "Password reset by link for user {UserId}", user.Id);
        return new ResetOutcome(true, ResetLinkState.Valid, []);
    }

    private async Task<(ResetLinkState State, PasswordResetToken? Row)> FindAsync(string? token, CancellationToken ct)
    {
        var hash = PairingTokens.HashOf(token);
        if (hash is null)
        {
            return (ResetLinkState.Unknown, null);
        }

        var row = await db.PasswordResetTokens.AsNoTracking().Include(t => t.User).SingleOrDefaultAsync(t => t.TokenHash == hash, ct);
        var state = row switch
        {
            null => ResetLinkState.Unknown,
            { UsedAt: not null } or { RevokedAt: not null } => ResetLinkState.Used,
            _ when row.SecurityStamp != (row.User.SecurityStamp ?? string.Empty) => ResetLinkState.Used,
            _ when row.ExpiresAt <= time.GetUtcNow() => ResetLinkState.Expired,
            _ => ResetLinkState.Valid,
        };
        return (state, row);
    }
}
