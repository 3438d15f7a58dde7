using Twofold.Data;

namespace Twofold.Audit;

/// <summary>
/// Records security events. <see cref="Record"/> only adds the row to the request's
/// <see cref="TwofoldDbContext"/>: the caller's SaveChanges commits it in the same transaction as the
/// change it describes, so there is never a change without its row, nor a row for a rolled-back change.
/// </summary>
public sealed class AuditLog(TwofoldDbContext db, AuditContext context, TimeProvider time)
{
    /// <param name="user">Whom the event is about; null when unknown (e.g. a sign-in with an unknown login).</param>
    /// <param name="actor">The administrator acting on <paramref name="user"/>; null when the user acted.</param>
    /// <param name="detail">A short fixed phrase. Never a password, code, secret, token or other user input.</param>
    /// <param name="operatorId">Only needed when <paramref name="user"/> is null.</param>
    public AuditEvent Record(AuditEventType type, TwofoldUser? user, TwofoldUser? actor = null, string? detail = null, int? operatorId = null)
    {
        var row = new AuditEvent
        {
            At = time.GetUtcNow(),
            OperatorId = user?.OperatorId ?? actor?.OperatorId ?? operatorId,
            UserId = user?.Id,
            Login = user?.Login,
            ActorUserId = actor?.Id,
            ActorLogin = actor?.Login,
            Type = type,
            ClientIp = context.ClientIp,
            UserAgent = context.UserAgent,
            Detail = detail is null ? null : AuditContext.Truncate(detail, AuditEvent.DetailMaxLength),
        };
        db.Add(row);
        return row;
    }

    /// <summary>Records and saves at once, for events that change nothing else (a failed or successful sign-in).</summary>
    public async Task RecordNowAsync(
        AuditEventType type, TwofoldUser? user, TwofoldUser? actor = null, string? detail = null, int? operatorId = null, CancellationToken ct = default)
    {
        Record(type, user, actor, detail, operatorId);
        await db.SaveChangesAsync(ct);
    }
}
