using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Twofold.Audit;
using Twofold.Data;

namespace Twofold.Login;

/// <summary>
/// SQLite: the accepted-code writer's three statements (replay guard, learned offset, audit row), prepared once on
/// the writer's own connection and run with new values for every sign-in.
/// </summary>
/// <remarks>
/// Measured, not assumed: through EF (<c>ExecuteUpdate</c>, <c>SaveChanges</c>, EF's transaction) the writer spent
/// about 1 ms of CPU per commit, most of it in EF's per-call work (expression trees, change tracking, command
/// building) rather than in SQLite, and the writer's CPU is on every sign-in's path (docs/performance.md,
/// "Prepared statements for the accepted code"). The SQL and the parameters come from EF's model
/// (<see cref="AcceptedCodeSql"/>), so the rows are exactly what EF writes.
/// </remarks>
internal sealed class AcceptedCodeStatements : IDisposable
{
    private readonly AcceptedCodeSql sql;
    private readonly SqliteConnection connection;
    private readonly SqliteCommand consume;
    private readonly SqliteCommand setOffset;
    private readonly SqliteCommand insertAudit;

    /// <param name="db">Its connection is opened here (EF applies the connection settings) and used until disposal.</param>
    public AcceptedCodeStatements(TwofoldDbContext db)
    {
        sql = new AcceptedCodeSql(db);
        db.Database.OpenConnection();
        connection = (SqliteConnection)db.Database.GetDbConnection();
        consume = Prepare(sql.GuardUpdate);
        setOffset = Prepare(sql.OffsetUpdate);
        insertAudit = Prepare($"{sql.AuditInsert} VALUES ({sql.AuditParameterNames})");
    }

    /// <summary>Begins the batch's transaction (<c>BEGIN IMMEDIATE</c>: the write lock is taken here, not mid-batch).</summary>
    public SqliteTransaction Begin() => connection.BeginTransaction();

    /// <summary>The replay guard: uses up <paramref name="step"/> unless it (or a later one) was used. True: this call won.</summary>
    public bool TryConsume(SqliteTransaction tx, Guid user, long step)
    {
        Bind(consume, tx);
        consume.Parameters.Add(AcceptedCodeSql.Parameter(consume, sql.UserId, "@id", user));
        consume.Parameters.Add(AcceptedCodeSql.Parameter(consume, sql.LastStep, "@step", step));
        return consume.ExecuteNonQuery() == 1;
    }

    public void SetOffset(SqliteTransaction tx, Guid device, int offset)
    {
        Bind(setOffset, tx);
        setOffset.Parameters.Add(AcceptedCodeSql.Parameter(setOffset, sql.DeviceId, "@id", device));
        setOffset.Parameters.Add(AcceptedCodeSql.Parameter(setOffset, sql.StepOffset, "@offset", offset));
        setOffset.ExecuteNonQuery();
    }

    public void Insert(SqliteTransaction tx, AuditEvent row)
    {
        Bind(insertAudit, tx);
        insertAudit.Parameters.AddRange(sql.AuditParameters(insertAudit, row).ToArray());
        insertAudit.ExecuteNonQuery();
    }

    public void Dispose()
    {
        consume.Dispose();
        setOffset.Dispose();
        insertAudit.Dispose();
    }

    private SqliteCommand Prepare(string text)
    {
        var command = connection.CreateCommand();
        command.CommandText = text;
        return command;
    }

    // The command keeps its prepared statement; only the transaction and the values change.
    private static void Bind(SqliteCommand command, SqliteTransaction tx)
    {
        command.Transaction = tx;
        command.Parameters.Clear();
    }
}
