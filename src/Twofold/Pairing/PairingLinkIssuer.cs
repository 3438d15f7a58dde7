using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Twofold.Audit;
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
    IOptions<SecurityOptions> security, AuditLog audit, TimeProvider time)
{
    public Task IssueAsync(TwofoldDbContext db, TwofoldUser user, Operator op, PairingReason reason, CancellationToken ct = default) =>
        IssueCoreAsync(db, [user], op, reason, deadline: null, ct);

    /// <param name="deadline">For a grace-period reminder: the deadline named in the mail.</param>
    public Task IssueAsync(TwofoldDbContext db, TwofoldUser user, Operator op, PairingReason reason, DateTimeOffset? deadline, CancellationToken ct) =>
        IssueCoreAsync(db, [user], op, reason, deadline, ct);

    /// <summary>
    /// The same for many users of one operator with two queries in all (the force fan-out issues
    /// hundreds per transaction); nothing is saved.
    /// </summary>
    public Task IssueManyAsync(TwofoldDbContext db, IReadOnlyList<TwofoldUser> users, Operator op, PairingReason reason, CancellationToken ct = default) =>
        IssueCoreAsync(db, users, op, reason, deadline: null, ct);

    private async Task IssueCoreAsync(TwofoldDbContext db, IReadOnlyList<TwofoldUser> users, Operator op, PairingReason reason, DateTimeOffset? deadline, CancellationToken ct)
    {
        if (users.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        var ids = users.Select(u => u.Id).ToList();

        // The newest link voids every older one.
        var open = await db.PairingTokens.Where(t => ids.Contains(t.UserId) && t.ConsumedAt == null && t.RevokedAt == null).ToListAsync(ct);
        foreach (var old in open)
        {
            old.RevokedAt = now;
        }

        // One pending secret per user, replaced on every link: a leaked older link reveals nothing usable.
        var pendings = await db.Authenticators
            .Where(a => ids.Contains(a.UserId) && a.Status == AuthenticatorStatus.Pending)
            .ToDictionaryAsync(a => a.UserId, ct);
        var expiresAt = now.AddHours(security.Value.PairingLinkLifetimeHours);
        var profileLink = app.Value.Link("/profile") + "#change-password";
        foreach (var user in users)
        {
            var secret = TotpVerifier.NewSecret();
            if (!pendings.TryGetValue(user.Id, out var pending))
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
                profileLink,
                expiresAt,
                deadline);
            outbox.Enqueue(db, mail, op.Id, user.Id);
            audit.Record(AuditEventType.PairingLinkSent, user, detail: reason switch
            {
                PairingReason.EnabledByUser => "two-factor turned on",
                PairingReason.ForcedByOperator => "two-factor forced by the operator",
                PairingReason.ResetByAdministrator => "reset by an administrator",
                PairingReason.NewDevice => "new device requested",
                PairingReason.GraceReminder => "grace-period reminder",
                _ => "sign-in without a paired device",
            });
        }
    }
}
