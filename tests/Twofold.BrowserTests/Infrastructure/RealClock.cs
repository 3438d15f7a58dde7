using Twofold.Totp;

namespace Twofold.BrowserTests.Infrastructure;

/// <summary>
/// Browser tests run on the real clock, like a phone. A code typed in the last seconds of its 30-s
/// step could reach the server in the next one, so tests take codes only when enough of the step is left.
/// </summary>
public static class RealClock
{
    /// <summary>How much of the current step must remain for a code to be typed and submitted safely.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(8);

    /// <summary>Returns now, after waiting (at most one step) for the next step if too little of this one is left.</summary>
    public static async Task<DateTimeOffset> SafeMomentAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var intoStep = TimeSpan.FromSeconds(now.ToUnixTimeSeconds() % TotpOptions.StepSeconds) + TimeSpan.FromMilliseconds(now.Millisecond);
        var left = TimeSpan.FromSeconds(TotpOptions.StepSeconds) - intoStep;
        if (left >= Margin)
        {
            return now;
        }

        await Task.Delay(left + TimeSpan.FromMilliseconds(250));
        return DateTimeOffset.UtcNow;
    }
}
