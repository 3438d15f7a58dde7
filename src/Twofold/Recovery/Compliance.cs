using Microsoft.EntityFrameworkCore;
using Twofold.Data;
using Twofold.Pairing;

namespace Twofold.Recovery;

public sealed record UnpairedUser(Guid Id, string Login, string? Email, DateTimeOffset? Deadline, string Cursor);

/// <summary>
/// One page of the compliance list. <see cref="PreviousBefore"/> / <see cref="NextAfter"/> are the cursors
/// of the Previous / Next links (null: no such link; "" for Previous: the first page).
/// </summary>
public sealed record ComplianceReport(
    int Total, int Paired, IReadOnlyList<UnpairedUser> Unpaired, int UnpairedTotal, string? PreviousBefore, string? NextAfter);

/// <summary>General Settings while forcing: how many users have paired, and every one who has not, 50 a page, by login.</summary>
public sealed class Compliance(TwofoldDbContext db, PairingLinkIssuer pairing)
{
    public const int PageSize = 50;

    /// <summary>Longer cursors cannot come from a link of ours (logins are short); they are ignored.</summary>
    public const int MaxCursorLength = 300;

    /// <param name="after">Show the users after this normalized login (Next); null or empty: from the start.</param>
    /// <param name="before">Show the users before this normalized login (Previous); used only without <paramref name="after"/>.</param>
    public async Task<ComplianceReport> ForOperatorAsync(Operator op, string? after = null, string? before = null, CancellationToken ct = default)
    {
        after = Usable(after);
        before = after is null ? Usable(before) : null;

        // Both counts in one statement: one pass over the operator's users (OperatorId index), one probe each.
        var counts = await db.Users.AsNoTracking().Where(u => u.OperatorId == op.Id)
            .GroupBy(u => u.OperatorId)
            .Select(g => new
            {
                Total = g.Count(),
                Unpaired = g.Count(u => !db.Authenticators.Any(a => a.UserId == u.Id && a.Status == AuthenticatorStatus.Paired)),
            })
            .SingleOrDefaultAsync(ct);
        var (total, unpairedTotal) = counts is null ? (0, 0) : (counts.Total, counts.Unpaired);

        // Keyset paging on Identity's unique, indexed NormalizedUserName ("OPCODE/LOGIN"), as in UserDirectory:
        // a page walks the index from the cursor and stops after PageSize + 1 unpaired rows, so page 2,000 of
        // 100,000 users costs what page 1 costs (OFFSET would walk every earlier row). Operator codes cannot
        // contain '/', so the "OPCODE/" range alone keeps the list to this operator.
        var prefix = op.NormalizedCode + "/";
        var lower = prefix + (after ?? string.Empty);
        var upper = before is null ? prefix + char.MaxValue : prefix + before;
        var range = after is null
            ? db.Users.AsNoTracking().Where(u => string.Compare(u.NormalizedUserName, lower) >= 0)
            : db.Users.AsNoTracking().Where(u => string.Compare(u.NormalizedUserName, lower) > 0);
        range = range.Where(u => string.Compare(u.NormalizedUserName, upper) < 0
            && !db.Authenticators.Any(a => a.UserId == u.Id && a.Status == AuthenticatorStatus.Paired));
        var ordered = before is null ? range.OrderBy(u => u.NormalizedUserName) : range.OrderByDescending(u => u.NormalizedUserName);
        var rows = await ordered.Take(PageSize + 1)
            .Select(u => new { u.Id, u.Login, u.Email, u.CreatedAt, u.TwoFactorEnabled, u.NormalizedUserName })
            .ToListAsync(ct);

        var more = rows.Count > PageSize;
        var page = rows.Take(PageSize).ToList();
        if (before is not null)
        {
            page.Reverse();
        }

        var unpaired = page.Select(r => new UnpairedUser(
            r.Id, r.Login, r.Email, GracePeriod.DeadlineFor(op, r.CreatedAt, r.TwoFactorEnabled), r.NormalizedUserName![prefix.Length..])).ToList();
        var first = unpaired.FirstOrDefault()?.Cursor;
        var last = unpaired.LastOrDefault()?.Cursor;
        var (previous, next) = before is null
            ? (after is null ? null : first ?? string.Empty, more ? last : null)
            : (more ? first : null, last ?? string.Empty);
        return new ComplianceReport(total, total - unpairedTotal, unpaired, unpairedTotal, previous, next);
    }

    private static string? Usable(string? cursor) =>
        string.IsNullOrEmpty(cursor) || cursor.Length > MaxCursorLength ? null : cursor;

    /// <summary>Mails a fresh link to an unpaired user of this operator; false when there is no such user.</summary>
    public async Task<bool> ResendAsync(Operator op, Guid userId, CancellationToken ct = default)
    {
        // Scoped to the administrator's operator: another operator's ids are simply not found.
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId && u.OperatorId == op.Id, ct);
        if (user is null || await db.Authenticators.AnyAsync(a => a.UserId == userId && a.Status == AuthenticatorStatus.Paired, ct))
        {
            return false;
        }

        await pairing.IssueAsync(db, user, op, PairingReason.ForcedByOperator, ct);
        await db.SaveChangesAsync(ct);
        return true;
    }
}
