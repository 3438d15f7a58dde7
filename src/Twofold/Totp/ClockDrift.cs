namespace Twofold.Totp;

/// <summary>
/// Windows for phones whose clock is off. Pairing searches ±<see cref="PairingSearchSteps"/> steps and
/// learns the device's offset; sign-in then accepts the usual 60-s window (current and previous step)
/// around the server's clock and, for a device with a learned offset, around the device's own clock. A code that
/// only matches further away is refused, but recognised, so the person can be told to fix the clock.
/// </summary>
public static class ClockDrift
{
    /// <summary>Steps searched either side while confirming pairing (±60 s).</summary>
    public const int PairingSearchSteps = 2;

    /// <summary>Steps searched either side, on the failure path only, to explain a refused code (±5 min).</summary>
    public const int DiagnosticSearchSteps = 10;

    /// <summary>Pairing: the step matched within ±2 steps of the server's clock, or null.</summary>
    public static long? VerifyPairing(ReadOnlySpan<byte> secret, int code, long currentStep) =>
        TotpVerifier.Verify(secret, code, currentStep, PairingSearchSteps, PairingSearchSteps);

    /// <summary>
    /// Sign-in: the latest matching step of the usual 60-s window (current and previous step) around the
    /// server's clock — a phone whose clock was fixed — and, when <paramref name="offset"/> is not 0, of the
    /// same 60-s window around the device's learned clock, no wider. An offset of 0 costs exactly the usual
    /// window: the common path stays two HMACs.
    /// </summary>
    public static long? VerifyLearned(ReadOnlySpan<byte> secret, int code, long currentStep, int offset, int pastSteps, int futureSteps)
    {
        var matched = TotpVerifier.Verify(secret, code, currentStep, pastSteps, futureSteps);
        if (offset == 0)
        {
            return matched;
        }

        var learned = TotpVerifier.Verify(secret, code, currentStep + offset, pastSteps, futureSteps);
        return learned > matched || matched is null ? learned : matched;
    }

    /// <summary>
    /// The offset to store after a code matched <paramref name="matchedStep"/>. A match on a "previous"
    /// step keeps the offset: it is usually a code typed slowly, not a clock that moved.
    /// </summary>
    public static int NextOffset(long matchedStep, long currentStep, int offset)
    {
        var observed = (int)(matchedStep - currentStep);
        return observed == offset - 1 || observed == -1 ? offset : observed;
    }

    /// <summary>
    /// Failure path: the offset to learn from a refused code of the step just after the learned window, else
    /// null. A clock off by a fraction of a step (40 s fast) shows the server's step +1 or +2 depending on the
    /// moment, and the one code seen at pairing cannot tell which of the two it was. When the later one shows
    /// up it is refused (the window stays 60 s) and learned, so the next code is accepted.
    /// </summary>
    public static int? RelearnedOffset(int driftSteps, int offset, int futureSteps) =>
        driftSteps == offset + futureSteps + 1 ? driftSteps - futureSteps : null;

    /// <summary>Failure path: the device's offset in steps when the code matches within ±10 steps, else null.</summary>
    public static int? Diagnose(ReadOnlySpan<byte> secret, int code, long currentStep)
    {
        // Nearest match first, so a rare collision far away does not win.
        for (var distance = 0; distance <= DiagnosticSearchSteps; distance++)
        {
            if (Rfc6238.ComputeCode(secret, currentStep + distance) == code)
            {
                return distance;
            }

            if (distance > 0 && Rfc6238.ComputeCode(secret, currentStep - distance) == code)
            {
                return -distance;
            }
        }

        return null;
    }

    /// <summary>"Your phone's clock seems to be about 2 minutes fast. …" for an offset in steps.</summary>
    public static string Message(int steps)
    {
        var seconds = Math.Abs(steps) * TotpOptions.StepSeconds;
        var amount = seconds < 90
            ? $"{seconds} seconds"
            : (int)Math.Round(seconds / 60.0, MidpointRounding.AwayFromZero) is var minutes && minutes == 1 ? "1 minute" : $"{minutes} minutes";
        var direction = steps > 0 ? "fast" : "slow";
        return $"That code is not correct for the current time: your phone's clock seems to be about {amount} {direction}. " +
               "Turn on automatic date and time in your phone's settings, then enter the new code.";
    }
}
