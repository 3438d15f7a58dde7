using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Twofold.Totp;

namespace Twofold.UnitTests.Totp;

public sealed class TotpVerifierTests
{
    private static readonly byte[] Secret = Encoding.ASCII.GetBytes("12345678901234567890");

    // 10 seconds into a step, so no test sits on a step boundary.
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 10, TimeSpan.Zero));

    private long Now => Rfc6238.StepAt(time.GetUtcNow());

    private TotpVerifier Verifier(int pastSteps = 1, int futureSteps = 0) =>
        new(Options.Create(new TotpOptions { PastSteps = pastSteps, FutureSteps = futureSteps }), time);

    private static int CodeAt(long step) => Rfc6238.ComputeCode(Secret, step);

    [Fact]
    public void Verify_CurrentStep_ReturnsCurrentStep() =>
        Assert.Equal(Now, Verifier().Verify(Secret, CodeAt(Now)));

    [Fact]
    public void Verify_PreviousStepWithOnePastStep_ReturnsPreviousStep() =>
        Assert.Equal(Now - 1, Verifier(pastSteps: 1).Verify(Secret, CodeAt(Now - 1)));

    [Fact]
    public void Verify_PreviousStepWithoutPastSteps_IsRefused() =>
        Assert.Null(Verifier(pastSteps: 0).Verify(Secret, CodeAt(Now - 1)));

    [Fact]
    public void Verify_TwoStepsBack_IsRefused() =>
        Assert.Null(Verifier(pastSteps: 1).Verify(Secret, CodeAt(Now - 2)));

    [Fact]
    public void Verify_NextStepWithoutFutureSteps_IsRefused() =>
        Assert.Null(Verifier(futureSteps: 0).Verify(Secret, CodeAt(Now + 1)));

    [Fact]
    public void Verify_NextStepWithOneFutureStep_ReturnsNextStep() =>
        Assert.Equal(Now + 1, Verifier(futureSteps: 1).Verify(Secret, CodeAt(Now + 1)));

    [Fact]
    public void Verify_WrongCode_IsRefused()
    {
        var window = new[] { CodeAt(Now - 1), CodeAt(Now) };
        var wrong = Enumerable.Range(0, 10).Select(i => (CodeAt(Now) + 1 + i) % 1_000_000).First(c => !window.Contains(c));

        Assert.Null(Verifier().Verify(Secret, wrong));
    }

    [Fact]
    public void Verify_AfterTimePasses_ReturnsTheStepTheCodeBelongsTo()
    {
        var verifier = Verifier();
        var step = Now;
        var code = CodeAt(step);

        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(step + 1, verifier.CurrentStep);
        Assert.Equal(step, verifier.Verify(Secret, code));
    }

    [Fact]
    public void NewSecret_Is160RandomBits()
    {
        var first = TotpVerifier.NewSecret();

        Assert.Equal(20, first.Length);
        Assert.NotEqual(first, TotpVerifier.NewSecret());
    }
}
