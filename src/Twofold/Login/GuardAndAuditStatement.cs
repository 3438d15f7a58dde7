using Microsoft.EntityFrameworkCore;
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
/// The SQL and the parameters come from EF's model (<see cref="AcceptedCodeSql"/>); SQLite, which has no
/// data-modifying WITH, uses <see cref="AcceptedCodeStatements"/>.
/// </remarks>
public sealed class GuardAndAuditStatement
{
    // A reference, so a request never reads a half-written value while another one builds it.
    private Shape? shape;

    private sealed record Shape(AcceptedCodeSql Sql, string Text);

    /// <summary>True: the step was used up by this call and <paramref name="row"/> is stored; false: a replay, nothing written.</summary>
    public async Task<bool> TryConsumeAsync(TwofoldDbContext db, Guid userId, long step, AuditEvent row, CancellationToken ct)
    {
        // The model is the same for every context of the app: built once (a race only builds it twice).
        var (sql, text) = shape ??= Build(db);
        // Only a parameter factory: the statement itself goes through EF (its interceptors, its connection handling).
        using var factory = db.Database.GetDbConnection().CreateCommand();
        var parameters = sql.AuditParameters(factory, row)
            .Prepend(AcceptedCodeSql.Parameter(factory, sql.LastStep, "@step", step))
            .Prepend(AcceptedCodeSql.Parameter(factory, sql.UserId, "@id", userId))
            .ToList();
        return await db.Database.ExecuteSqlRawAsync(text, parameters, ct) == 1;
    }

    private static Shape Build(TwofoldDbContext db)
    {
        var sql = new AcceptedCodeSql(db);
        return new(sql, $"WITH consumed AS ({sql.GuardUpdate} RETURNING 1) {sql.AuditInsert} SELECT {sql.AuditParameterNames} FROM consumed");
    }
}
