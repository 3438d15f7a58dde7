using System.Net;
using Microsoft.EntityFrameworkCore;
using Twofold.Data;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Recovery;

/// <summary>Phones whose clock is off: a 40-s fast phone pairs and signs in; far-off clocks get a message that says so.</summary>
public sealed class ClockDriftStoryTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private readonly UserStories stories = new(factory);

    private string PhoneCode(TestUser user, int secondsOff) =>
        new OtpNet.Totp(user.Secret!).ComputeTotp(factory.Time.GetUtcNow().UtcDateTime.AddSeconds(secondsOff));

    private long PhoneStep(int secondsOff) => (factory.Time.GetUtcNow().ToUnixTimeSeconds() + secondsOff) / 30;

    /// <summary>Moves the clock to <paramref name="second"/> seconds into the next step.</summary>
    private void ToNextStepAt(int second)
    {
        stories.NextStep();
        factory.Time.Advance(TimeSpan.FromSeconds(second));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(25)]
    public async Task PhoneFortySecondsFast_PairsAndSignsIn_AtEveryPointOfAStep_WindowStaysSixtySeconds(int pairingSecond)
    {
        var user = await stories.NewUserAsync();
        var mail = await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(user), user);
        ToNextStepAt(pairingSecond);
        var qr = await stories.OpenQrAsync(user, mail);
        user.Secret = UserStories.SecretFromQr(qr);
        var paired = await qr.Form("Pair device").Fill("Authentication code", PhoneCode(user, 40)).SubmitAsync();
        Assert.Contains("Your mobile device is paired", paired.Text, StringComparison.Ordinal);
        var learned = await OffsetAsync(user);
        Assert.InRange(learned, 1, 2);

        // Sign in early and late in later steps: the phone shows the server's step +1 or +2. Pairing saw one
        // of the two; if it saw +1, the first +2 is refused (the window stays 60 s) and learned: at most once.
        var lastPhoneStep = PhoneStep(40);
        var refusals = 0;
        foreach (var second in new[] { 5, 25, 15, 28, 2 })
        {
            // A person waits for a new code: the phone's step must move on (its last code was used).
            do
            {
                ToNextStepAt(second);
            }
            while (PhoneStep(40) <= lastPhoneStep);

            lastPhoneStep = PhoneStep(40);
            var page = await UserStories.SubmitCodeAsync(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user), PhoneCode(user, 40));
            if (!page.HasButton("Log out"))
            {
                refusals++;
                Assert.True(refusals == 1 && learned == 1, $"40-s fast phone refused at second {second} (learned {learned}, refusal {refusals}): {RecoveryStories.Squash(page)}");
                Assert.Contains("clock seems to be about", RecoveryStories.Squash(page), StringComparison.Ordinal);
                Assert.Equal(2, await OffsetAsync(user));
            }
        }

        Assert.Equal(2, await OffsetAsync(user));

        // The replay rule still holds for the drifted phone.
        var code = PhoneCode(user, 40);
        var replay = await UserStories.SubmitCodeAsync(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user), code);
        Assert.False(replay.HasButton("Log out"));
        Assert.Contains("already been used", replay.Text, StringComparison.Ordinal);

        // The window is 60 s around the learned offset (+1, +2): a code one step beyond (a clock 70 s fast at
        // second 25: server step +3) is refused.
        ToNextStepAt(25);
        var beyond = await UserStories.SubmitCodeAsync(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user), PhoneCode(user, 70));
        Assert.False(beyond.HasButton("Log out"));
        Assert.Equal(HttpStatusCode.Unauthorized, beyond.Status);
    }

    [Fact]
    public async Task SignIn_ClockThreeMinutesSlow_RefusedWithClockMessage()
    {
        var user = await stories.NewUserAsync();
        await stories.TurnOnAndPairAsync(user);
        ToNextStepAt(10);

        var page = await UserStories.SubmitCodeAsync(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user), PhoneCode(user, -180));
        Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
        Assert.False(page.HasButton("Log out"));
        var text = RecoveryStories.Squash(page);
        Assert.Contains("Your phone's clock seems to be about 3 minutes slow", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Turn on automatic date and time", text, StringComparison.Ordinal);

        // A code that matches nothing near is simply wrong.
        var wrong = await UserStories.SubmitCodeAsync(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user), PhoneCode(user, -3600));
        Assert.DoesNotContain("clock", wrong.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Pairing_ClockFiveMinutesFast_RefusedWithClockMessage_ThenPairsOnceFixed()
    {
        var user = await stories.NewUserAsync();
        var mail = await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(user), user);
        ToNextStepAt(10);
        var qr = await stories.OpenQrAsync(user, mail);
        user.Secret = UserStories.SecretFromQr(qr);

        var refused = await qr.Form("Pair device").Fill("Authentication code", PhoneCode(user, 300)).SubmitAsync();
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("about 5 minutes fast", refused.Text, StringComparison.Ordinal);

        var wrong = await refused.Form("Pair device").Fill("Authentication code", PhoneCode(user, -3600)).SubmitAsync();
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Contains("That code is not correct", wrong.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("clock", wrong.Text, StringComparison.OrdinalIgnoreCase);

        var paired = await wrong.Form("Pair device").Fill("Authentication code", PhoneCode(user, 0)).SubmitAsync();
        Assert.Contains("Your mobile device is paired", paired.Text, StringComparison.Ordinal);
        Assert.Equal(0, await OffsetAsync(user));
    }

    private Task<int> OffsetAsync(TestUser user) =>
        factory.WithDbAsync(db => db.Authenticators
            .Where(a => a.User.UserName == TwofoldUser.ComposeUserName(user.OperatorCode, user.Login) && a.Status == AuthenticatorStatus.Paired)
            .Select(a => a.StepOffset).SingleAsync());
}
