namespace Twofold.Pairing;

/// <summary>Why a pairing link is mailed; decides the security notice in the mail.</summary>
public enum PairingReason
{
    EnabledByUser,
    ForcedByOperator,
    ResetByAdministrator,
    RequestedAtSignIn,
}
