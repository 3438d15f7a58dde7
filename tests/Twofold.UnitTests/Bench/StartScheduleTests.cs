using Twofold.Load;

namespace Twofold.UnitTests.Bench;

/// <summary>The load tool's open-loop schedule: the offered rate is the measurement's premise, so it is tested.</summary>
public sealed class StartScheduleTests
{
    private static TimeSpan Seconds(double s) => TimeSpan.FromSeconds(s);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0.999, 250)]
    [InlineData(1, 251)]
    [InlineData(60, 15_001)]
    public void WithoutRamp_StartsAtTheFullRate(double elapsed, long due) =>
        Assert.Equal(due, new StartSchedule(250, TimeSpan.Zero).StartsDueBy(Seconds(elapsed)));

    [Theory]
    [InlineData(0, 1)]
    [InlineData(5, 157)]     // 250 × 5² ÷ (2 × 20) = 156.25
    [InlineData(10, 626)]    // half-way through the ramp: a quarter of its starts
    [InlineData(20, 2_501)]  // the ramp's end: half of what the full rate would have started
    [InlineData(21, 2_751)]  // then 250 per second
    public void WithRamp_RisesLinearlyToTheRate(double elapsed, long due) =>
        Assert.Equal(due, new StartSchedule(250, Seconds(20)).StartsDueBy(Seconds(elapsed)));

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(1)]
    public void DueTime_IsWhenTheStartBecomesDue(double ramp)
    {
        var schedule = new StartSchedule(250, Seconds(ramp));
        foreach (var k in new long[] { 1, 7, 312, 2_499, 2_500, 2_501, 10_000 })
        {
            var due = schedule.DueTime(k);
            Assert.True(schedule.StartsDueBy(due + Seconds(1e-6)) > k, $"start {k} not due at {due}");
            Assert.True(schedule.StartsDueBy(due - Seconds(1e-3)) <= k, $"start {k} already due before {due}");
        }
    }
}
