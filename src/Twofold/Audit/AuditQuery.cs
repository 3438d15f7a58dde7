using Microsoft.EntityFrameworkCore;
using Twofold.Data;

namespace Twofold.Audit;

/// <summary>What the administrator filters by; dates are whole UTC days, both inclusive.</summary>
public sealed record AuditFilter(string? Login = null, AuditEventType? Type = null, DateOnly? From = null, DateOnly? To = null);

public sealed record AuditPage(IReadOnlyList<AuditEvent> Rows, int Page, int PageCount, int Total);

/// <summary>
/// Reads one operator's audit trail. The operator id is a parameter of every query, never a filter
/// the caller may leave out: an administrator only ever sees their own operator's events.
/// </summary>
public sealed class AuditQuery(TwofoldDbContext db)
{
    public const int PageSize = 50;

    /// <summary>Upper bound of a CSV export, so one request cannot stream an unbounded table.</summary>
    public const int ExportLimit = 100_000;

    public async Task<AuditPage> PageAsync(int operatorId, AuditFilter filter, int page, CancellationToken ct = default)
    {
        var query = Filtered(operatorId, filter);
        var total = await query.CountAsync(ct);
        var pageCount = Math.Max(1, (total + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pageCount);
        var rows = await Newest(query).Skip((page - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        return new AuditPage(rows, page, pageCount, total);
    }

    public IAsyncEnumerable<AuditEvent> ExportAsync(int operatorId, AuditFilter filter) =>
        Newest(Filtered(operatorId, filter)).Take(ExportLimit).AsAsyncEnumerable();

    private IQueryable<AuditEvent> Filtered(int operatorId, AuditFilter filter)
    {
        var query = db.Set<AuditEvent>().AsNoTracking().Where(e => e.OperatorId == operatorId);
        if (!string.IsNullOrWhiteSpace(filter.Login))
        {
            // The user's own events and those they caused as an administrator.
            var login = filter.Login.Trim().ToUpperInvariant();
#pragma warning disable CA1862 // EF translates ToUpper() to SQL upper(); string.Equals with a comparison is not translatable.
            query = query.Where(e => e.Login!.ToUpper() == login || e.ActorLogin!.ToUpper() == login);
#pragma warning restore CA1862
        }

        if (filter.Type is { } type)
        {
            query = query.Where(e => e.Type == type);
        }

        if (filter.From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(e => e.At >= start);
        }

        if (filter.To is { } to)
        {
            var end = new DateTimeOffset(to.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(1);
            query = query.Where(e => e.At < end);
        }

        return query;
    }

    private static IQueryable<AuditEvent> Newest(IQueryable<AuditEvent> query) =>
        query.OrderByDescending(e => e.At).ThenByDescending(e => e.Id);
}
