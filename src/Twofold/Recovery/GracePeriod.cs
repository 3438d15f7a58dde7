using Microsoft.EntityFrameworkCore;
using Twofold.Data;
using Twofold.Login;

namespace Twofold.Recovery;

/// <summary>
/// When an operator forces two-factor with a grace period, users without a paired device may still sign
/// in with the password until their deadline: forcing time (or their creation, if later) plus the period.
/// </summary>
public sealed class GracePeriod(TwofoldDbContext db, TimeProvider time)
{
    public const int MaxHours = 720;

    /// <summary>Null when no grace applies (not forcing, no period, or the user chose two-factor themselves).</summary>
    public static DateTimeOffset? DeadlineFor(Operator op, TwofoldUser user) =>
        DeadlineFor(op, user.CreatedAt, user.TwoFactorEnabled);

    public static DateTimeOffset? DeadlineFor(Operator op, DateTimeOffset userCreatedAt, bool userChoseTwoFactor)
    {
        if (!op.ForceTwoFactor || op.GracePeriodHours <= 0 || op.ForcedAt is not { } forcedAt || userChoseTwoFactor)
        {
            return null;
        }

        var start = userCreatedAt > forcedAt ? userCreatedAt : forcedAt;
        return start.AddHours(op.GracePeriodHours);
    }

    public bool IsWithin(DateTimeOffset? deadline) => deadline is { } d && time.GetUtcNow() < d;

    /// <summary>The deadline to show in the banner of a signed-in user who still has to pair, else null.</summary>
    public async Task<DateTimeOffset?> BannerDeadlineAsync(System.Security.Claims.ClaimsPrincipal principal, CancellationToken ct = default)
    {
        if (principal.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var userId = principal.UserId();
        var row = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.CreatedAt, u.TwoFactorEnabled, u.Operator })
            .SingleOrDefaultAsync(ct);
        if (row is null || DeadlineFor(row.Operator, row.CreatedAt, row.TwoFactorEnabled) is not { } deadline)
        {
            return null;
        }

        var paired = await db.Authenticators.AnyAsync(a => a.UserId == userId && a.Status == AuthenticatorStatus.Paired, ct);
        return paired ? null : deadline;
    }
}
