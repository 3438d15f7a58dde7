namespace Twofold.Data;

/// <summary>A tenant: one company whose staff sign in with its operator code.</summary>
public sealed class Operator
{
    public int Id { get; set; }

    /// <summary>The code as the administrator typed it, shown in pages and mails.</summary>
    public required string Code { get; set; }

    /// <summary>Upper-case form used for case-insensitive look-ups; unique.</summary>
    public required string NormalizedCode { get; set; }

    public required string Name { get; set; }

    /// <summary>General Settings: "Force two factor authentication for all users".</summary>
    public bool ForceTwoFactor { get; set; }

    /// <summary>When forcing was last turned on: the grace period of existing users counts from here.</summary>
    public DateTimeOffset? ForcedAt { get; set; }

    /// <summary>General Settings: "Grace period" in hours (0 = immediate) while forcing.</summary>
    public int GracePeriodHours { get; set; }

    /// <summary>General Settings: "Remember a device for N days" (0 = off).</summary>
    public int RememberDeviceDays { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public static string Normalize(string code) => code.Trim().ToUpperInvariant();
}
