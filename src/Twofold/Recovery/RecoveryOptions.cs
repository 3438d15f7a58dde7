using System.ComponentModel.DataAnnotations;

namespace Twofold.Recovery;

public sealed class RecoveryOptions
{
    public const string SectionName = "Recovery";

    /// <summary>How often each node looks for grace-period reminders that are due.</summary>
    [Range(1, 1440)]
    public int ReminderScanMinutes { get; set; } = 15;
}
