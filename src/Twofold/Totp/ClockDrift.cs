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
    /// Sign-in: the latest matching step of the usual window (current and previous step, 60 s) around the
    /// server's clock — a phone whose clock was fixed — and, when <paramref name="offset"/> is not 0, of the
    /// same 60-s window around the device's learned clock. A clock off by 40 s shows the server's step +1
    /// or +2 depending on the moment; one observation at pairing cannot tell which of the two it saw, so
    /// until the offset is <paramref name="pinned"/> (see <see cref="NextOffset"/>) the step beyond the
    /// offset is tried too. An offset of 0 costs exactly the usual window: the common path stays two HMACs.
    /// </summary>
    public static long? VerifyLearned(
        ReadOnlySpan<byte> secret, int code, long currentStep, int offset, bool pinned, int pastSteps, int futureSteps)
    {
        var matched = TotpVerifier.Verify(secret, code, currentStep, pastSteps, futureSteps);
        if (offset == 0)
        {
            return matched;
        }

        var ahead = pinned ? futureSteps : Math.Max(futureSteps, 1);
        var learned = TotpVerifier.Verify(secret, code, currentStep + offset, pastSteps, ahead);
        return learned > matched || matched is null ? learned : matched;
    }

    /// <summary>
    /// The offset to store after a code matched <paramref name="matchedStep"/>, and whether it is now
    /// pinned. Seeing the step just before a non-zero offset proves the offset is the later of the two
    /// steps the device shows; seeing the step just after it moves the offset there and proves the same.
    /// A match on the server's previous step keeps the offset: a code typed slowly, not a clock that moved.
    /// </summary>
    public static (int Offset, bool Pinned) NextOffset(long matchedStep, long currentStep, int offset, bool pinned)
    {
        var observed = (int)(matchedStep - currentStep);
        if (observed == offset)
        {
            return (offset, pinned);
        }

        if (offset != 0 && observed == offset - 1)
        {
            return (offset, true);
        }

        if (offset != 0 && observed == offset + 1)
        {
            return (observed, true);
        }

        return observed == -1 ? (offset, pinned) : (observed, false);
    }

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
