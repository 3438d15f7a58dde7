using Microsoft.AspNetCore.Identity;
using Twofold.Audit;
using Twofold.Data;
using Twofold.Mail;

namespace Twofold.Profile;

/// <summary>The profile's "Change password": the new hash and stamp, the audit row and the owner's notice commit together.</summary>
public sealed class PasswordChange(TwofoldDbContext db, UserManager<TwofoldUser> users, AuditLog audit, SecurityNotices notices)
{
    public async Task<IdentityResult> ChangeAsync(TwofoldUser user, string current, string next, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Renews the security stamp on success: other sessions end.
        var result = await users.ChangePasswordAsync(user, current, next);
        if (!result.Succeeded)
        {
            return result;
        }

        audit.Record(AuditEventType.PasswordChanged, user);
        await notices.PasswordChangedAsync(user, byResetLink: false, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return result;
    }
}
