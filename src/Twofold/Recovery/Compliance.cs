using Microsoft.EntityFrameworkCore;
using Twofold.Data;
using Twofold.Pairing;

namespace Twofold.Recovery;

public sealed record UnpairedUser(Guid Id, string Login, string? Email, DateTimeOffset? Deadline);

public sealed record ComplianceReport(int Total, int Paired, IReadOnlyList<UnpairedUser> Unpaired, int UnpairedTotal);

/// <summary>General Settings while forcing: who has paired, who has not (first <see cref="ListSize"/>, by login).</summary>
public sealed class Compliance(TwofoldDbContext db, PairingLinkIssuer pairing)
{
    public const int ListSize = 50;

    public async Task<ComplianceReport> ForOperatorAsync(Operator op, CancellationToken ct = default)
    {
        var users = db.Users.AsNoTracking().Where(u => u.OperatorId == op.Id);
        var unpairedQuery = users.Where(u => !db.Authenticators.Any(a => a.UserId == u.Id && a.Status == AuthenticatorStatus.Paired));
        var total = await users.CountAsync(ct);
        var unpairedTotal = await unpairedQuery.CountAsync(ct);
        var rows = await unpairedQuery.OrderBy(u => u.NormalizedUserName).Take(ListSize)
            .Select(u => new { u.Id, u.Login, u.Email, u.CreatedAt, u.TwoFactorEnabled })
            .ToListAsync(ct);
        var unpaired = rows.Select(r => new UnpairedUser(r.Id, r.Login, r.Email, GracePeriod.DeadlineFor(op, r.CreatedAt, r.TwoFactorEnabled))).ToList();
        return new ComplianceReport(total, total - unpairedTotal, unpaired, unpairedTotal);
    }

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
