using System.ComponentModel.DataAnnotations;

namespace Twofold.Settings;

public enum ForcePairingJobState
{
    Running = 0,
    Completed = 1,

    /// <summary>The administrator unticked "Force" before every user was reached.</summary>
    Cancelled = 2,
}

/// <summary>
/// The background fan-out started by ticking "Force two factor authentication for all users": one
/// pairing mail per user without a paired device. Written in the same transaction as the setting;
/// <see cref="ForcePairingRunner"/> walks the operator's users in id order, committing the cursor
/// with each batch's mails, so a crash resumes after the last committed batch and nobody is mailed twice.
/// </summary>
public sealed class ForcePairingJob
{
    public long Id { get; set; }

    public int OperatorId { get; set; }

    /// <summary>The administrator who ticked the box.</summary>
    public Guid RequestedBy { get; set; }

    public ForcePairingJobState State { get; set; }

    /// <summary>Id of the last user handled; null before the first batch. Users are walked in id order (keyset).</summary>
    public Guid? Cursor { get; set; }

    /// <summary>Users of the operator when the job started (progress display only).</summary>
    public int TotalUsers { get; set; }

    /// <summary>Users looked at so far.</summary>
    public int ProcessedUsers { get; set; }

    /// <summary>Pairing mails queued so far.</summary>
    public int MailsQueued { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>
    /// Bumped by every change. Two nodes working on one job, or a batch racing an untick, cannot both
    /// commit: the loser's whole batch (its mails included) rolls back.
    /// </summary>
    [ConcurrencyCheck]
    public int Version { get; set; }
}
