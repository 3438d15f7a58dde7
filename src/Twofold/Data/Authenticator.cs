namespace Twofold.Data;

public enum AuthenticatorStatus
{
    /// <summary>Secret created and mailed as a pairing link, not yet confirmed by a code.</summary>
    Pending = 0,

    /// <summary>Confirmed with a correct code: sign-in asks for its codes.</summary>
    Paired = 1,
}

/// <summary>An authenticator-app secret of one user. The secret is stored only Data-Protection encrypted.</summary>
public sealed class Authenticator
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public TwofoldUser User { get; set; } = null!;

    /// <summary>Base64 Data Protection payload of the raw secret bytes.</summary>
    public required string ProtectedSecret { get; set; }

    public AuthenticatorStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? PairedAt { get; set; }

    /// <summary>
    /// The device's clock offset in 30-s steps (device step − server step), learned when pairing and
    /// at every accepted code, so a phone whose clock is off keeps a 60-s window around its own time.
    /// </summary>
    public int StepOffset { get; set; }
}
