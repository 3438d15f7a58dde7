using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Twofold.Login;

namespace Twofold.UnitTests.Login;

/// <summary>A password step waits while the code steps of sign-ins under way are backed up, for at most a second.</summary>
public sealed class CodeStepsFirstTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Moment = TimeSpan.FromMilliseconds(200);

    private readonly FakeTimeProvider time = new();

    private CodeStepsFirst Limit(int codeSteps) =>
        new(Options.Create(new SecurityOptions { ConcurrentPasswordSteps = codeSteps }), time);

    [Fact]
    public void PasswordStep_GoesAtOnce_WhileFewerCodeStepsRunThanTheLimit()
    {
        var gate = Limit(2);
        gate.CodeStepStarted();

        Assert.True(gate.WaitForCodeStepsAsync(CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task PasswordStep_WaitsWhileCodeStepsAreBackedUp_AndGoesWhenOneEnds()
    {
        var gate = Limit(2);
        gate.CodeStepStarted();
        gate.CodeStepStarted();

        var passwordSteps = new[] { gate.WaitForCodeStepsAsync(CancellationToken.None), gate.WaitForCodeStepsAsync(CancellationToken.None) };
        await Task.Delay(Moment);
        Assert.All(passwordSteps, p => Assert.False(p.IsCompleted));

        gate.CodeStepEnded();
        await Task.WhenAll(passwordSteps).WaitAsync(Patience);
    }

    [Fact]
    public async Task PasswordStep_GoesAfterTheMaxWait_WhenCodeStepsStayBackedUp()
    {
        var gate = Limit(1);
        gate.CodeStepStarted();

        var passwordStep = gate.WaitForCodeStepsAsync(CancellationToken.None);
        time.Advance(CodeStepsFirst.MaxWait - TimeSpan.FromMilliseconds(1));
        await Task.Delay(Moment);
        Assert.False(passwordStep.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await passwordStep.WaitAsync(Patience);
    }

    [Fact]
    public async Task WaitingPasswordStep_EndsWhenTheClientGoesAway()
    {
        var gate = Limit(1);
        gate.CodeStepStarted();
        using var gone = new CancellationTokenSource();

        var passwordStep = gate.WaitForCodeStepsAsync(gone.Token);
        await gone.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => passwordStep.WaitAsync(Patience));
    }

    [Fact]
    public async Task EndedCodeSteps_LeaveRoomForLaterPasswordSteps()
    {
        var gate = Limit(1);
        gate.CodeStepStarted();
        var waiting = gate.WaitForCodeStepsAsync(CancellationToken.None);
        gate.CodeStepEnded();
        await waiting.WaitAsync(Patience);

        Assert.True(gate.WaitForCodeStepsAsync(CancellationToken.None).IsCompletedSuccessfully);
        gate.CodeStepStarted();
        Assert.False(gate.WaitForCodeStepsAsync(CancellationToken.None).IsCompleted);
    }

    [Fact]
    public void NoLimits_PasswordStepsNeverWait()
    {
        var gate = Limit(0);
        gate.CodeStepStarted();
        gate.CodeStepStarted();

        Assert.True(gate.WaitForCodeStepsAsync(CancellationToken.None).IsCompletedSuccessfully);
    }
}
