using Microsoft.EntityFrameworkCore;
using Twofold.Data;

namespace Twofold.Users;

public enum UserTwoFactorStatus
{
    Off,
    WaitingForPairing,
    Paired,
    RequiredByOperator,
}

public sealed record UserRow(Guid Id, string Login, string? Email, bool IsAdministrator, UserTwoFactorStatus Status);

public sealed record UserPage(IReadOnlyList<UserRow> Rows, int Page, int PageCount, int Total);

/// <summary>The administrator's list of an operator's users: paged and searchable, one query per page.</summary>
public sealed class UserDirectory(TwofoldDbContext db)
{
    public const int PageSize = 50;

    public async Task<UserPage> ListAsync(int operatorId, string? search, int page, CancellationToken ct = default)
    {
        var op = await db.Operators.Where(o => o.Id == operatorId).Select(o => new { o.ForceTwoFactor, o.NormalizedCode }).SingleAsync(ct);
        var forced = op.ForceTwoFactor;

        // Prefix search as a range on Identity's indexed NormalizedUserName ("OPCODE/LOGIN"): with 100,000
        // users a page costs an index range scan, not a scan of every row ("Contains" cannot use an index).
        // Operator codes cannot contain '/', so the "OPCODE/" prefix alone keeps the list to this operator;
        // a plain OperatorId test would make SQLite pick the OperatorId index and scan every user of the operator.
        // The email branch needs the operator test; "+ 0" keeps SQLite on the email index for it (SQLite uses
        // no index for an expression), and PostgreSQL plans from statistics either way.
        var term = (search ?? string.Empty).Trim().ToUpperInvariant();
        var prefix = op.NormalizedCode + "/" + term;
        var upper = prefix + char.MaxValue;
        var emailUpper = term + char.MaxValue;
        var query = term.Length == 0
            ? db.Users.AsNoTracking().Where(u => string.Compare(u.NormalizedUserName, prefix) >= 0 && string.Compare(u.NormalizedUserName, upper) < 0)
            : db.Users.AsNoTracking().Where(u => (string.Compare(u.NormalizedUserName, prefix) >= 0 && string.Compare(u.NormalizedUserName, upper) < 0)
                || (string.Compare(u.NormalizedEmail, term) >= 0 && string.Compare(u.NormalizedEmail, emailUpper) < 0
                    && u.OperatorId + 0 == operatorId));

        var total = await query.CountAsync(ct);
        var pageCount = Math.Max(1, (total + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pageCount);
        var rows = await query
            .OrderBy(u => u.NormalizedUserName)
            .Skip((page - 1) * PageSize).Take(PageSize)
            .Select(u => new
            {
                u.Id,
                u.Login,
                u.Email,
                u.IsAdministrator,
                u.TwoFactorEnabled,
                Paired = db.Authenticators.Any(a => a.UserId == u.Id && a.Status == AuthenticatorStatus.Paired),
            })
            .ToListAsync(ct);

        return new UserPage(
            rows.Select(r => new UserRow(r.Id, r.Login, r.Email, r.IsAdministrator, StatusOf(r.TwoFactorEnabled, forced, r.Paired))).ToList(),
            page, pageCount, total);
    }

    public static UserTwoFactorStatus StatusOf(bool enabled, bool forced, bool paired) =>
        !(enabled || forced) ? UserTwoFactorStatus.Off
        : paired ? UserTwoFactorStatus.Paired
        : enabled ? UserTwoFactorStatus.WaitingForPairing
        : UserTwoFactorStatus.RequiredByOperator;

    public static string Describe(UserTwoFactorStatus status) => status switch
    {
        UserTwoFactorStatus.WaitingForPairing => "Waiting for pairing",
        UserTwoFactorStatus.Paired => "Paired",
        UserTwoFactorStatus.RequiredByOperator => "Required by operator",
        _ => "Off",
    };
}
