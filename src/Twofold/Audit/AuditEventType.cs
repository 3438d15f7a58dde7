namespace Twofold.Audit;

/// <summary>
/// Every security event Twofold records. Stored by name (not number), so the table reads plainly in
/// SQL and a value added later never renumbers old rows. Never rename a member: old rows keep the name.
/// </summary>
public enum AuditEventType
{
    SignInSucceeded,
    SignInFailedPassword,
    SignInFailedCode,
    PasswordLockout,
    CodeLockout,
    TwoFactorEnabled,
    TwoFactorDisabled,
    DevicePaired,
    TwoFactorReset,
    TwoFactorForced,
    TwoFactorUnforced,
    RecoveryCodeUsed,
    RecoveryCodesRegenerated,
    PairingLinkSent,
    PairingLinkUsed,
    PairingLinkExpired,
    NewDeviceRequested,
    DeviceRemembered,
    PasswordChanged,
    PasswordResetRequested,
    PasswordReset,
    SettingsChanged,
}
