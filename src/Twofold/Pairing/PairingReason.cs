namespace Twofold.Pairing;

/// <summary>Why a pairing link is mailed; decides the security notice in the mail.</summary>
public enum PairingReason
{
    EnabledByUser,
    ForcedByOperator,
    ResetByAdministrator,
    RequestedAtSignIn,
    /// <summary>"Pair a new device" on the profile: the current device works until the new one is paired.</summary>
    NewDevice,
    /// <summary>The one reminder 24 h before a grace period ends.</summary>
    GraceReminder,
}
