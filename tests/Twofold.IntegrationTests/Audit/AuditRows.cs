using Microsoft.EntityFrameworkCore;
using Twofold.Audit;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Audit;

/// <summary>Reads the audit table through the app's DbContext (so the same code runs on SQLite and PostgreSQL).</summary>
internal static class AuditRows
{
    public static Task<List<AuditEvent>> ForLoginAsync(TwofoldFactory factory, string operatorCode, string login) =>
        factory.WithDbAsync(async db =>
        {
            var normalized = Data.Operator.Normalize(operatorCode);
            var operatorId = await db.Operators.Where(o => o.NormalizedCode == normalized).Select(o => o.Id).SingleAsync();
            return await db.AuditEvents.AsNoTracking()
                .Where(e => e.OperatorId == operatorId && (e.Login == login || e.ActorLogin == login))
                .OrderBy(e => e.Id).ToListAsync();
        });

    public static Task<List<AuditEvent>> ForOperatorAsync(TwofoldFactory factory, string operatorCode) =>
        factory.WithDbAsync(async db =>
        {
            var normalized = Data.Operator.Normalize(operatorCode);
            var operatorId = await db.Operators.Where(o => o.NormalizedCode == normalized).Select(o => o.Id).SingleAsync();
            return await db.AuditEvents.AsNoTracking().Where(e => e.OperatorId == operatorId).OrderBy(e => e.Id).ToListAsync();
        });

    /// <summary>Every text column of every audit row, found by reflection so a column added later is scanned too.</summary>
    public static Task<List<string>> AllTextAsync(TwofoldFactory factory) =>
        factory.WithDbAsync(async db =>
        {
            var rows = await db.AuditEvents.AsNoTracking().ToListAsync();
            var columns = typeof(AuditEvent).GetProperties().Where(p => p.PropertyType == typeof(string) || p.PropertyType.IsEnum).ToList();
            Assert.True(columns.Count >= 6, "expected the text columns of AuditEvent");
            return rows.SelectMany(r => columns.Select(c => c.GetValue(r)?.ToString())).OfType<string>().ToList();
        });

    public static async Task AssertNoneContainAsync(TwofoldFactory factory, IEnumerable<string> secrets)
    {
        var text = await AllTextAsync(factory);
        Assert.NotEmpty(text);
        foreach (var secret in secrets.Where(s => !string.IsNullOrEmpty(s)).Distinct())
        {
            var hit = text.FirstOrDefault(t => t.Contains(secret, StringComparison.OrdinalIgnoreCase));
            Assert.True(hit is null, $"The audit table holds a secret value ({secret.Length} chars) in: {hit}");
        }
    }
}
