namespace Twofold.Audit;

/// <summary>
/// One row of the audit trail. Holds who, what, when and from where — never a password, code,
/// secret or token: <see cref="Detail"/> is a short fixed phrase chosen by the code, not user input.
/// </summary>
public sealed class AuditEvent
{
    public const int LoginMaxLength = 64;
    public const int ClientIpMaxLength = 45;
    public const int UserAgentMaxLength = 200;
    public const int DetailMaxLength = 200;

    public long Id { get; set; }

    /// <summary>UTC, from the app's TimeProvider.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>Null only for events that belong to no operator (e.g. an unknown operator code).</summary>
    public int? OperatorId { get; set; }

    public Guid? UserId { get; set; }

    /// <summary>The login at the time of the event; kept as text so the row survives a rename or deletion.</summary>
    public string? Login { get; set; }

    /// <summary>The administrator who acted on <see cref="UserId"/> (reset, force); null when the user acted.</summary>
    public Guid? ActorUserId { get; set; }

    public string? ActorLogin { get; set; }

    public AuditEventType Type { get; set; }

    public string? ClientIp { get; set; }

    public string? UserAgent { get; set; }

    public string? Detail { get; set; }
}
