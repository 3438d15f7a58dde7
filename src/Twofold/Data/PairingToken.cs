namespace Twofold.Data;

/// <summary>
/// The single-use token in a "Pair your mobile device" link. Only its SHA-256 hash is stored,
/// so a database leak does not yield working links.
/// </summary>
public sealed class PairingToken
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public TwofoldUser User { get; set; } = null!;

    public Guid AuthenticatorId { get; set; }

    public Authenticator Authenticator { get; set; } = null!;

    public required byte[] TokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Set when the link paired a device.</summary>
    public DateTimeOffset? ConsumedAt { get; set; }

    /// <summary>Set when a newer link was issued or two-factor was switched off.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}
