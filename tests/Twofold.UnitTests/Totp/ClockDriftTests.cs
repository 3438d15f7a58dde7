using System.Text;
using Twofold.Totp;

namespace Twofold.UnitTests.Totp;

public sealed class ClockDriftTests
{
    private static readonly byte[] Secret = Encoding.ASCII.GetBytes("12345678901234567890");
    private const long Now = 59_000_000;

    private static int CodeAt(long step) => Rfc6238.ComputeCode(Secret, step);

    [Theory]
    [InlineData(-2)]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void VerifyPairing_WithinTwoSteps_ReturnsThatStep(int offset) =>
        Assert.Equal(Now + offset, ClockDrift.VerifyPairing(Secret, CodeAt(Now + offset), Now));

    [Theory]
    [InlineData(-3)]
    [InlineData(3)]
    public void VerifyPairing_BeyondTwoSteps_IsRefused(int offset) =>
        Assert.Null(ClockDrift.VerifyPairing(Secret, CodeAt(Now + offset), Now));

    [Theory]
    [InlineData(0, 0, true)]
    [InlineData(0, -1, true)]
    [InlineData(0, 1, false)]
    [InlineData(0, -2, false)]
    [InlineData(2, 2, true)]
    [InlineData(2, 1, true)]
    [InlineData(2, 3, false)] // 60 s around the learned offset, no more
    [InlineData(2, 0, true)]  // a phone whose clock was fixed keeps the usual window
    [InlineData(2, 4, false)]
    [InlineData(-3, -4, true)]
    [InlineData(-3, -2, false)]
    [InlineData(-3, -5, false)]
    public void VerifyLearned_WindowFollowsLearnedOffset(int learned, int deviceOffset, bool accepted)
    {
        var step = ClockDrift.VerifyLearned(Secret, CodeAt(Now + deviceOffset), Now, learned, pastSteps: 1, futureSteps: 0);
        Assert.Equal(accepted ? Now + deviceOffset : null, step);
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(0, -1, 0)] // slow typing is not drift
    [InlineData(2, 1, 2)]
    [InlineData(2, 2, 2)]
    [InlineData(2, 0, 0)]  // the clock was fixed
    [InlineData(2, -1, 2)] // server's previous step: slow typing, offset kept
    public void NextOffset_LearnsFromCurrentSteps_NotFromPreviousOnes(int learned, int matchedOffset, int expected) =>
        Assert.Equal(expected, ClockDrift.NextOffset(Now + matchedOffset, Now, learned));

    [Theory]
    [InlineData(1, 0, 0, 1)]
    [InlineData(2, 1, 0, 2)]
    [InlineData(-1, -2, 0, -1)]
    [InlineData(3, 1, 1, 2)]
    [InlineData(3, 1, 0, null)] // two steps beyond: a clock that is off, not the other of two neighbours
    [InlineData(0, 1, 0, null)]
    public void RelearnedOffset_OnlyForTheStepJustAfterTheWindow(int drift, int offset, int futureSteps, int? expected) =>
        Assert.Equal(expected, ClockDrift.RelearnedOffset(drift, offset, futureSteps));

    /// <summary>
    /// A clock 40 s fast shows the server's step +1 for the first 20 s of a step and +2 after. Whatever the
    /// pairing moment, at most one code is ever refused (and learned from), every later one is accepted the
    /// first time, and the step after the learned 60-s window is always refused.
    /// </summary>
    [Theory]
    [InlineData(40)]
    [InlineData(-40)]
    [InlineData(75)]
    [InlineData(-75)]
    [InlineData(10)]
    public void FractionalDrift_AtMostOneRefusal_WindowStaysSixtySeconds(int secondsOff)
    {
        const long Start = Now * 30;
        foreach (var pairingSecond in new[] { 0, 10, 20, 29 })
        {
            var t = Start + pairingSecond;
            var offset = (int)(DeviceStep(t, secondsOff) - t / 30);
            var refusals = 0;
            for (var signIn = 1; signIn <= 20; signIn++)
            {
                t += 30 + (signIn * 7 % 30) - 15; // sign-ins at varied points of later steps
                var current = t / 30;
                var shown = DeviceStep(t, secondsOff);
                var step = ClockDrift.VerifyLearned(Secret, CodeAt(shown), current, offset, pastSteps: 1, futureSteps: 0);
                if (step is null)
                {
                    refusals++;
                    var drift = ClockDrift.Diagnose(Secret, CodeAt(shown), current);
                    offset = ClockDrift.RelearnedOffset(drift!.Value, offset, futureSteps: 0)
                        ?? throw new Xunit.Sdk.XunitException($"{secondsOff} s off: refused code of step {drift:+0;-0} not learned (offset {offset})");
                    continue;
                }

                Assert.Equal(shown, step);
                offset = ClockDrift.NextOffset(step.Value, current, offset);
                Assert.Null(ClockDrift.VerifyLearned(Secret, CodeAt(current + Math.Max(offset, 0) + 1), current, offset, pastSteps: 1, futureSteps: 0));
            }

            Assert.True(refusals <= 1, $"{secondsOff} s off, paired at second {pairingSecond}: {refusals} refusals");
        }
    }

    private static long DeviceStep(long unixSeconds, int secondsOff) => (long)Math.Floor((unixSeconds + secondsOff) / 30.0);

    [Theory]
    [InlineData(4)]
    [InlineData(-6)]
    [InlineData(10)]
    [InlineData(-10)]
    public void Diagnose_FindsOffsetUpToTenSteps(int offset) =>
        Assert.Equal(offset, ClockDrift.Diagnose(Secret, CodeAt(Now + offset), Now));

    [Fact]
    public void Diagnose_BeyondTenSteps_IsNull() =>
        Assert.Null(ClockDrift.Diagnose(Secret, CodeAt(Now + 11), Now));

    [Theory]
    [InlineData(2, "about 60 seconds fast")]
    [InlineData(-1, "about 30 seconds slow")]
    [InlineData(6, "about 3 minutes fast")]
    [InlineData(-10, "about 5 minutes slow")]
    [InlineData(3, "about 2 minutes fast")]
    public void Message_NamesAmountAndDirection(int steps, string expected)
    {
        var message = ClockDrift.Message(steps);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Contains("automatic date and time", message, StringComparison.Ordinal);
    }
}
