using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Twofold.Audit;
using Twofold.Data;

namespace Twofold.Login;

/// <summary>
/// PostgreSQL: an accepted code's replay guard and its audit row in one statement, whose INSERT reads the
/// guard UPDATE's <c>RETURNING</c>: the row is written exactly when the UPDATE used up the step, and the
/// statement commits on its own. One round trip instead of four (UPDATE after BEGIN, INSERT, COMMIT).
/// </summary>
/// <remarks>
/// Concurrent uses of one code: the second statement waits for the first's row lock, then re-checks the
/// guard's condition on the committed row (READ COMMITTED) and finds the step used: 0 rows, a replay.
/// The SQL comes from EF's model and the values go through EF's type mappings, as in
/// <see cref="AcceptedCodeStatements"/> (SQLite's writer, which has no data-modifying WITH).
/// </remarks>
public sealed class GuardAndAuditStatement
{
    private Shape? shape;

    private sealed record Shape(string Sql, IProperty UserId, IProperty Step, IProperty[] AuditColumns);

    /// <summary>True: the step was used up by this call and <paramref name="row"/> is stored; false: a replay, nothing written.</summary>
    public async Task<bool> TryConsumeAsync(TwofoldDbContext db, Guid userId, long step, AuditEvent row, CancellationToken ct)
    {
        var (sql, userIdProperty, stepProperty, columns) = shape ??= Build(db);
        // Only a parameter factory: the statement itself goes through EF (its interceptors, its connection handling).
        using var factory = db.Database.GetDbConnection().CreateCommand();
        var parameters = new List<DbParameter>(columns.Length + 2)
        {
            Parameter(factory, userIdProperty, "@id", userId),
            Parameter(factory, stepProperty, "@step", step),
        };
        for (var i = 0; i < columns.Length; i++)
        {
            parameters.Add(Parameter(factory, columns[i], $"@p{i}", columns[i].GetGetter().GetClrValue(row)));
        }

        return await db.Database.ExecuteSqlRawAsync(sql, parameters, ct) == 1;
    }

    private static Shape Build(TwofoldDbContext db)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        string Table(IEntityType t) => sql.DelimitIdentifier(t.GetTableName()!, t.GetSchema());
        string Column(IProperty p) => sql.DelimitIdentifier(p.GetColumnName());

        var users = db.Model.FindEntityType(typeof(TwofoldUser))!;
        var userId = users.FindProperty(nameof(TwofoldUser.Id))!;
        var step = users.FindProperty(nameof(TwofoldUser.LastAcceptedTotpStep))!;
        var failedCount = users.FindProperty(nameof(TwofoldUser.CodeFailedCount))!;
        var audit = db.Model.FindEntityType(typeof(AuditEvent))!;
        var columns = audit.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never).ToArray();
        if (columns.Any(p => p.IsShadowProperty()))
        {
            throw new InvalidOperationException($"{nameof(AuditEvent)} has a shadow property; the statement reads values from the entity.");
        }

        var text =
            $"WITH consumed AS (UPDATE {Table(users)} SET {Column(step)} = @step, {Column(failedCount)} = 0 " +
            $"WHERE {Column(userId)} = @id AND ({Column(step)} IS NULL OR {Column(step)} < @step) RETURNING 1) " +
            $"INSERT INTO {Table(audit)} ({string.Join(", ", columns.Select(Column))}) " +
            $"SELECT {string.Join(", ", columns.Select((_, i) => $"@p{i}"))} FROM consumed";
        return new Shape(text, userId, step, columns);
    }

    // The property's own mapping converts the value and types the parameter (a null too, e.g. as uuid).
    private static DbParameter Parameter(DbCommand factory, IProperty property, string name, object? value) =>
        property.GetRelationalTypeMapping().CreateParameter(factory, name, value, property.IsNullable);
}
