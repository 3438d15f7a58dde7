namespace Twofold.Data;

/// <summary>
/// One single-use recovery code of a user. Only an HMAC-SHA256 of the code under a per-code random
/// salt is stored, so a database leak yields no usable code.
/// </summary>
public sealed class RecoveryCode
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public TwofoldUser User { get; set; } = null!;

    public required byte[] Salt { get; set; }

    public required byte[] Hash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Set once by a single conditional UPDATE: the code works exactly once.</summary>
    public DateTimeOffset? UsedAt { get; set; }
}
