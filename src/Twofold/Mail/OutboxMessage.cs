namespace Twofold.Mail;

public enum OutboxStatus
{
    Queued = 0,
    Sent = 1,
    Failed = 2,
}

/// <summary>
/// An email written in the same transaction as the change that causes it, delivered later by
/// the outbox dispatcher. Bodies may hold one-time links, so they are stored
/// Data-Protection encrypted and erased once the message has been handed to the SMTP server.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }

    /// <summary>What the mail is about (e.g. "pairing-link"); for administrators and logs, never the content.</summary>
    public required string Kind { get; set; }

    public required string ToAddress { get; set; }

    public required string Subject { get; set; }

    public string? ProtectedTextBody { get; set; }

    public string? ProtectedHtmlBody { get; set; }

    public OutboxStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>A node that claimed the message owns it until this instant (crash recovery).</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }

    public Guid? ClaimToken { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public string? LastError { get; set; }

    public int? OperatorId { get; set; }

    public Guid? UserId { get; set; }
}
