using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Twofold.Data;
using Twofold.Mail;

namespace Twofold.Login;

/// <summary>
/// Counts wrong passwords in Identity's own columns (AccessFailedCount, LockoutEnd), but with single
/// conditional UPDATEs instead of UserManager.AccessFailedAsync: that one is a read-modify-write which,
/// under a parallel guessing attack, loses increments to concurrency failures, and it reads the
/// system clock rather than the injected TimeProvider.
/// </summary>
public sealed class PasswordAttempts(TwofoldDbContext db, IOptions<SecurityOptions> options, TimeProvider time, LockoutRecorder? lockouts = null)
{
    public DateTimeOffset? LockedUntil(TwofoldUser user) => user.LockoutEnd > time.GetUtcNow() ? user.LockoutEnd : null;

    /// <summary>Counts a wrong password; returns the lockout end when this failure reached the limit.</summary>
    public async Task<DateTimeOffset?> RecordFailureAsync(TwofoldUser user, CancellationToken ct = default)
    {
        await db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.AccessFailedCount, u => u.AccessFailedCount + 1), ct);

        var until = time.GetUtcNow().AddMinutes(options.Value.PasswordLockoutMinutes);
        var max = options.Value.MaxFailedPasswords;
        // The lock, its audit row and the owner's notice commit together.
        await using var tx = lockouts is null || db.Database.CurrentTransaction is not null ? null : await db.Database.BeginTransactionAsync(ct);
        var locked = await db.Users.Where(u => u.Id == user.Id && u.AccessFailedCount >= max)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.LockoutEnd, until).SetProperty(u => u.AccessFailedCount, 0), ct);
        if (locked == 1 && lockouts is not null)
        {
            await lockouts.RecordAsync(user.Id, LockoutKind.Password, until, ct);
        }

        if (tx is not null)
        {
            await tx.CommitAsync(ct);
        }

        return locked == 1 ? until : null;
    }

    public async Task ResetAsync(TwofoldUser user, CancellationToken ct = default)
    {
        if (user.AccessFailedCount > 0)
        {
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.AccessFailedCount, 0), ct);
        }
    }
}
