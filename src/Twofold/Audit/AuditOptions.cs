using System.ComponentModel.DataAnnotations;

namespace Twofold.Audit;

public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>Rows older than this are deleted by <see cref="AuditPruner"/> once a day.</summary>
    [Range(1, 36_500, ErrorMessage = "Audit:RetentionDays must be between 1 and 36500 days.")]
    public int RetentionDays { get; set; } = 365;
}
