using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Twofold.Data;
using Twofold.Login;
using Twofold.Mail;
using Twofold.Totp;
using Twofold.Web;

namespace Twofold.Pairing;

/// <summary>
/// Creates a fresh pending secret and a single-use pairing link for a user and queues the mail.
/// Works on the caller's context without saving, so the caller's SaveChanges commits the secret,
/// the token, the revocation of older links and the mail together.
/// </summary>
public sealed class PairingLinkIssuer(
    MailOutbox outbox, AuthenticatorSecrets secrets, IOptions<AppOptions> app,
    IOptions<SecurityOptions> security, TimeProvider time)
{
    public Task IssueAsync(TwofoldDbContext db, TwofoldUser user, Operator op, PairingReason reason, CancellationToken ct = default) =>
        IssueAsync(db, user, op, reason, deadline: null, ct);

    /// <param name="deadline">For a grace-period reminder: the deadline named in the mail.</param>
    public async Task IssueAsync(TwofoldDbContext db, TwofoldUser user, Operator op, PairingReason reason, DateTimeOffset? deadline, CancellationToken ct)
    {
        var now = time.GetUtcNow();

        // The newest link voids every older one.
        var open = await db.PairingTokens.Where(t => t.UserId == user.Id && t.ConsumedAt == null && t.RevokedAt == null).ToListAsync(ct);
        foreach (var old in open)
        {
            old.RevokedAt = now;
        }

        // One pending secret per user, replaced on every link: a leaked older link reveals nothing usable.
        var pending = await db.Authenticators.SingleOrDefaultAsync(a => a.UserId == user.Id && a.Status == AuthenticatorStatus.Pending, ct);
        var secret = TotpVerifier.NewSecret();
        if (pending is null)
        {
            pending = new Authenticator { UserId = user.Id, ProtectedSecret = secrets.Protect(secret), Status = AuthenticatorStatus.Pending, CreatedAt = now };
            db.Authenticators.Add(pending);
        }
        else
        {
            pending.ProtectedSecret = secrets.Protect(secret);
            pending.CreatedAt = now;
        }

        var (token, hash) = PairingTokens.Create();
        var expiresAt = now.AddHours(security.Value.PairingLinkLifetimeHours);
        db.PairingTokens.Add(new PairingToken
        {
            UserId = user.Id,
            Authenticator = pending,
            TokenHash = hash,
            CreatedAt = now,
            ExpiresAt = expiresAt,
        });
        user.LastPairingMailAt = now;

        var mail = PairingMail.Create(
            user.Email ?? throw new InvalidOperationException("User has no email address."),
            op.Code, user.Login, reason, now,
            app.Value.Link("/pair", "token=" + token),
            app.Value.Link("/profile") + "#change-password",
            expiresAt,
            deadline);
        outbox.Enqueue(db, mail, op.Id, user.Id);
    }
}
