namespace Twofold.Load;

/// <summary>
/// When the open loop's sign-ins are due: at <paramref name="Rate"/> per second, reached by a linear ramp from 0
/// over <paramref name="Ramp"/> (none: full rate at once). Start 0 is due at 0 s.
/// </summary>
public readonly record struct StartSchedule(double Rate, TimeSpan Ramp)
{
    private double RampSeconds => Ramp.TotalSeconds;

    // Starts in the ramp: the integral of Rate * t / RampSeconds up to RampSeconds.
    private double RampStarts => Rate * RampSeconds / 2;

    /// <summary>How many starts are due by <paramref name="elapsed"/> (start 0 included).</summary>
    public long StartsDueBy(TimeSpan elapsed)
    {
        var t = elapsed.TotalSeconds;
        var starts = t < RampSeconds ? Rate * t * t / (2 * RampSeconds) : RampStarts + Rate * (t - RampSeconds);
        return (long)starts + 1;
    }

    /// <summary>When start <paramref name="k"/> is due (the inverse of <see cref="StartsDueBy"/>).</summary>
    public TimeSpan DueTime(long k) => TimeSpan.FromSeconds(
        k < RampStarts ? Math.Sqrt(2 * RampSeconds * k / Rate) : RampSeconds + (k - RampStarts) / Rate);
}
