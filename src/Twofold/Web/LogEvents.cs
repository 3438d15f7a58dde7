namespace Twofold;

/// <summary>Fixed event ids, so operators can alert on them. Messages never carry secrets, codes, tokens or mail bodies.</summary>
internal static class LogEvents
{
    public static readonly EventId SignedIn = new(1000, nameof(SignedIn));
    public static readonly EventId SignInFailed = new(1001, nameof(SignInFailed));
    public static readonly EventId CodeRejected = new(1002, nameof(CodeRejected));
    public static readonly EventId CodeLockout = new(1003, nameof(CodeLockout));
    public static readonly EventId PairingLinkSent = new(1100, nameof(PairingLinkSent));
    public static readonly EventId DevicePaired = new(1101, nameof(DevicePaired));
    public static readonly EventId TwoFactorEnabled = new(1102, nameof(TwoFactorEnabled));
    public static readonly EventId TwoFactorDisabled = new(1103, nameof(TwoFactorDisabled));
    public static readonly EventId TwoFactorReset = new(1104, nameof(TwoFactorReset));
    public static readonly EventId RecoveryCodeUsed = new(1105, nameof(RecoveryCodeUsed));
    public static readonly EventId RecoveryCodesRegenerated = new(1106, nameof(RecoveryCodesRegenerated));
    public static readonly EventId NewDeviceRequested = new(1107, nameof(NewDeviceRequested));
    public static readonly EventId GraceReminderQueued = new(1108, nameof(GraceReminderQueued));
    public static readonly EventId ForceChanged = new(1200, nameof(ForceChanged));
    public static readonly EventId MailSent = new(1300, nameof(MailSent));
    public static readonly EventId MailRetry = new(1301, nameof(MailRetry));
    public static readonly EventId MailFailed = new(1302, nameof(MailFailed));
    public static readonly EventId MailDeliveryOff = new(1303, nameof(MailDeliveryOff));
    public static readonly EventId MailDispatchError = new(1304, nameof(MailDispatchError));
    public static readonly EventId DemoSeeded = new(1400, nameof(DemoSeeded));
    public static readonly EventId DatabaseUnavailable = new(1700, nameof(DatabaseUnavailable));
    public static readonly EventId AuditPruned = new(1500, nameof(AuditPruned));
    public static readonly EventId AuditPruneFailed = new(1501, nameof(AuditPruneFailed));
    public static readonly EventId PasswordResetRequested = new(1600, nameof(PasswordResetRequested));
    public static readonly EventId PasswordReset = new(1601, nameof(PasswordReset));
}
