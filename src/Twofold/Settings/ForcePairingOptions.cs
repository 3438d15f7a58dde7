using System.ComponentModel.DataAnnotations;

namespace Twofold.Settings;

public sealed class ForcePairingOptions
{
    public const string SectionName = "ForcePairing";

    /// <summary>Users per transaction: bounds memory and the work lost to a crash.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>How often to look for jobs started on another node, or left by a crash.</summary>
    [Range(0.05, 3600)]
    public double PollSeconds { get; set; } = 10;
}
