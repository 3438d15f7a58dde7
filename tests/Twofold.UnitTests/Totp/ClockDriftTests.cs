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
    [InlineData(0, false, 0, true)]
    [InlineData(0, false, -1, true)]
    [InlineData(0, false, 1, false)]
    [InlineData(0, false, -2, false)]
    [InlineData(2, false, 2, true)]
    [InlineData(2, false, 1, true)]
    [InlineData(2, false, 3, true)] // not pinned yet: one observation pins a clock only to within a step
    [InlineData(2, true, 3, false)] // pinned: 60 s around the learned offset, no more
    [InlineData(2, true, 2, true)]
    [InlineData(2, true, 1, true)]
    [InlineData(2, true, 0, true)] // a phone whose clock was fixed keeps the usual window
    [InlineData(2, false, 0, true)]
    [InlineData(2, false, 4, false)]
    [InlineData(-3, false, -4, true)]
    [InlineData(-3, false, -2, true)]
    [InlineData(-3, true, -2, false)]
    [InlineData(-3, false, -5, false)]
    public void VerifyLearned_WindowFollowsLearnedOffset(int learned, bool pinned, int deviceOffset, bool accepted)
    {
        var step = ClockDrift.VerifyLearned(Secret, CodeAt(Now + deviceOffset), Now, learned, pinned, pastSteps: 1, futureSteps: 0);
        Assert.Equal(accepted ? Now + deviceOffset : null, step);
    }

    [Theory]
    [InlineData(0, false, 0, 0, false)]
    [InlineData(0, false, -1, 0, false)] // slow typing is not drift
    [InlineData(2, false, 2, 2, false)]
    [InlineData(2, false, 1, 2, true)]  // both neighbours seen: 2 is the later step, pinned
    [InlineData(2, false, 3, 3, true)]  // the step beyond: the offset moves there, pinned
    [InlineData(2, true, 1, 2, true)]
    [InlineData(2, false, 0, 0, false)] // the clock was fixed
    [InlineData(2, true, -1, 2, true)]  // server's previous step: slow typing, offset kept
    [InlineData(-2, false, -1, -1, true)]
    [InlineData(-2, false, -3, -2, true)]
    public void NextOffset_LearnsAndPinsFromNeighbouringSteps(int learned, bool pinned, int matchedOffset, int expected, bool expectedPinned) =>
        Assert.Equal((expected, expectedPinned), ClockDrift.NextOffset(Now + matchedOffset, Now, learned, pinned));

    /// <summary>
    /// A clock 40 s fast shows the server's step +1 for the first 20 s of a step and +2 after. Whatever the
    /// pairing moment, every later code is accepted the first time, and once pinned the window is 60 s.
    /// </summary>
    [Theory]
    [InlineData(40)]
    [InlineData(-40)]
    [InlineData(75)]
    [InlineData(-75)]
    public void FractionalDrift_EveryCodeAccepted_ThenPinnedToSixtySeconds(int secondsOff)
    {
        const long Start = Now * 30;
        foreach (var pairingSecond in new[] { 0, 10, 20, 29 })
        {
            var t = Start + pairingSecond;
            var offset = (int)(DeviceStep(t, secondsOff) - t / 30);
            var pinned = false;
            for (var minute = 1; minute <= 20; minute++)
            {
                t += 30 + (minute * 7 % 30) - 15; // sign-ins at varied points of later steps
                var current = t / 30;
                var shown = DeviceStep(t, secondsOff);
                var step = ClockDrift.VerifyLearned(Secret, CodeAt(shown), current, offset, pinned, pastSteps: 1, futureSteps: 0);
                Assert.True(step == shown, $"{secondsOff} s off, paired at second {pairingSecond}: code of step {shown - current:+0;-0} refused (offset {offset}, pinned {pinned})");
                (offset, pinned) = ClockDrift.NextOffset(step!.Value, current, offset, pinned);
            }

            // Pinned: the step beyond the offset is refused (unless it is the server's own window).
            var now = t / 30;
            Assert.True(pinned, $"{secondsOff} s off, paired at second {pairingSecond}: never pinned");
            if (offset + 1 > 0 || offset + 1 < -1)
            {
                Assert.Null(ClockDrift.VerifyLearned(Secret, CodeAt(now + offset + 1), now, offset, pinned, pastSteps: 1, futureSteps: 0));
            }
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
