using Microsoft.AspNetCore.Identity;

namespace Twofold.Data;

/// <summary>
/// A person of one operator. Identity's <see cref="IdentityUser{TKey}.UserName"/> is
/// "OPERATORCODE/login", so Identity's unique user-name index gives case-insensitive
/// uniqueness per operator while the same login may exist in two operators.
/// </summary>
public sealed class TwofoldUser : IdentityUser<Guid>
{
    public int OperatorId { get; set; }

    public Operator Operator { get; set; } = null!;

    /// <summary>The login as typed at creation, without the operator prefix.</summary>
    public required string Login { get; set; }

    public bool IsAdministrator { get; set; }

    /// <summary>
    /// Highest TOTP time step ever accepted for this user. Only later steps are accepted,
    /// which makes every code single-use (RFC 6238 section 5.2).
    /// </summary>
    public long? LastAcceptedTotpStep { get; set; }

    /// <summary>Consecutive wrong authentication codes; kept apart from Identity's password counter.</summary>
    public int CodeFailedCount { get; set; }

    public DateTimeOffset? CodeLockoutEnd { get; set; }

    /// <summary>When the last pairing mail was queued; throttles mails sent from the sign-in page.</summary>
    public DateTimeOffset? LastPairingMailAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The grace deadline for which the reminder mail was queued (set by a conditional UPDATE: once per deadline, across nodes).</summary>
    public DateTimeOffset? GraceReminderDeadline { get; set; }

    public static string ComposeUserName(string operatorCode, string login) =>
        $"{Operator.Normalize(operatorCode)}/{login.Trim()}";
}
