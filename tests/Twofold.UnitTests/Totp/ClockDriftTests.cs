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
    [InlineData(2, 3, true)] // one step ahead of the learned offset: rounding of one observation
    [InlineData(2, 0, true)] // a phone whose clock was fixed keeps the usual window
    [InlineData(2, 4, false)]
    [InlineData(-3, -4, true)]
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
    [InlineData(2, 3, 3)]
    [InlineData(2, 0, 0)]
    [InlineData(1, 2, 2)]
    public void NextOffset_LearnsFromCurrentSteps_NotFromPreviousOnes(int learned, int matchedOffset, int expected) =>
        Assert.Equal(expected, ClockDrift.NextOffset(Now + matchedOffset, Now, learned));

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
