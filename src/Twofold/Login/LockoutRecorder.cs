using Twofold.Audit;
using Twofold.Data;
using Twofold.Mail;

namespace Twofold.Login;

/// <summary>
/// What happens when an account has just been locked (wrong passwords or wrong codes): an audit row
/// and a notice to the owner. Called by <see cref="PasswordAttempts"/> and <see cref="TwoFactorVerifier"/>
/// inside the transaction of the locking UPDATE, only by the request whose failure reached the limit.
/// </summary>
public sealed class LockoutRecorder(TwofoldDbContext db, AuditLog audit, SecurityNotices notices)
{
    public async Task RecordAsync(Guid userId, LockoutKind kind, DateTimeOffset until, CancellationToken ct = default)
    {
        var user = await db.Users.FindAsync([userId], ct);
        if (user is null)
        {
            return;
        }

        audit.Record(kind == LockoutKind.Password ? AuditEventType.PasswordLockout : AuditEventType.CodeLockout, user);
        await notices.AccountLockedAsync(user, kind, until, ct);
        await db.SaveChangesAsync(ct);
    }
}
