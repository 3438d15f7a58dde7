using Twofold.Totp;
using Twofold.Web;

namespace Twofold.Recovery;

/// <summary>The messages of a failed confirmation on the profile's recovery pages.</summary>
internal static class ProofText
{
    public static string For(ProofResult result, string what) => result.Outcome switch
    {
        ProofOutcome.Missing => $"Enter {what}.",
        ProofOutcome.LockedOut => $"Your account is temporarily locked after too many failed attempts. Try again after {FormText.Utc(result.LockedUntil!.Value)}.",
        ProofOutcome.ClockDrift => ClockDrift.Message(result.DriftSteps!.Value),
        _ => $"That is not correct: enter {what}.",
    };

    public static int StatusFor(ProofResult result) =>
        result.Outcome == ProofOutcome.LockedOut ? StatusCodes.Status423Locked : StatusCodes.Status400BadRequest;
}
