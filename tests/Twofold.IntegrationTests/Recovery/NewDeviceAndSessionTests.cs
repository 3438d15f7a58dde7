using System.Net;
using Microsoft.EntityFrameworkCore;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Recovery;

/// <summary>Lost phone, new phone: "Pair a new device", and other sessions signed out within a minute.</summary>
public sealed class NewDeviceAndSessionTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private readonly UserStories stories = new(factory);
    private RecoveryStories Recovery => new(factory, stories);

    [Fact]
    public async Task PairNewDevice_NeedsPasswordAndCode_OldDeviceWorksUntilNewOneConfirmed()
    {
        var (user, codes) = await Recovery.PairedUserAsync();
        var oldSecret = user.Secret!;
        var browser = await stories.SignInAsync(user);
        stories.NextStep();
        var page = await (await browser.GetAsync("/profile")).Document.QuerySelectorAll("a")
            .Where(a => a.TextContent.Trim() == "Pair a new device").Select(a => browser.GetAsync(a.GetAttribute("href")!)).Single();

        // Wrong password: refused, and the recovery code typed with it is not spent.
        var before = factory.Smtp.Messages.Count;
        var wrong = await page.Form("Send pairing link").Fill("Your password", "wrong password").Fill("Authentication code or recovery code", codes[0]).SubmitAsync();
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Contains("That is not correct: enter your current password", wrong.Text, StringComparison.Ordinal);
        var missing = await wrong.Form("Send pairing link").Fill("Your password", user.Password).SubmitAsync();
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);

        // Password and a recovery code (the phone is lost): a link is mailed.
        var sent = await missing.Form("Send pairing link").Fill("Your password", user.Password).Fill("Authentication code or recovery code", codes[0]).SubmitAsync();
        Assert.Contains("Your current device keeps working until you pair the new one", sent.Text, StringComparison.Ordinal);
        var mail = await stories.PairingMailAsync(user, before);
        Assert.Contains("new mobile device was requested", mail.TextBody, StringComparison.Ordinal);

        // The old device still signs in while the new one is not confirmed.
        stories.NextStep();
        Assert.True((await UserStories.SubmitCodeAsync(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user), stories.CodeNow(user))).HasButton("Log out"));

        // Confirm the new device: from then on only its codes work, and there is one device.
        stories.NextStep();
        var done = await stories.PairAsync(user, mail);
        Assert.Equal(10, RecoveryStories.CodesOn(done).Count);
        Assert.NotEqual(oldSecret, user.Secret);
        stories.NextStep();
        var oldCode = new OtpNet.Totp(oldSecret).ComputeTotp(factory.Time.GetUtcNow().UtcDateTime);
        var refused = await UserStories.SubmitCodeAsync(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user), oldCode);
        Assert.False(refused.HasButton("Log out"));
        Assert.True((await UserStories.SubmitCodeAsync(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user), stories.CodeNow(user))).HasButton("Log out"));
        var userId = await Recovery.UserIdAsync(user);
        Assert.Equal(1, await factory.WithDbAsync(db => db.Authenticators.CountAsync(a => a.UserId == userId)));
    }

    [Fact]
    public async Task PasswordChange_SignsOutOtherSessionsWithinOneMinute_NotThisOne()
    {
        var user = await stories.NewUserAsync();
        var other = await stories.SignInAsync(user);
        var current = await stories.SignInAsync(user);
        var changed = await (await current.GetAsync("/profile")).Form("Change password")
            .Fill("Current password", user.Password).Fill("New password", "another long password").Fill("Confirm new password", "another long password")
            .SubmitAsync();
        Assert.Contains("Your password has been changed", changed.Text, StringComparison.Ordinal);

        await AssertSignedOutWithinAMinuteAsync(other);
        Assert.Equal(HttpStatusCode.OK, (await current.Client.GetAsync("/profile")).StatusCode);
    }

    [Fact]
    public async Task AdminReset_SignsTheUserOutEverywhereWithinOneMinute()
    {
        var admin = await stories.NewUserAsync(admin: true);
        var (user, _) = await Recovery.PairedUserAsync(admin.OperatorCode);
        var session = await stories.SignInAsync(user);
        stories.NextStep();
        var adminBrowser = await stories.SignInAsync(admin);
        var reset = await (await adminBrowser.GetAsync("/users")).Form("Reset two-factor").SubmitAsync();
        Assert.Contains("was reset", reset.Text, StringComparison.Ordinal);
        await AssertSignedOutWithinAMinuteAsync(session);
    }

    [Fact]
    public async Task TurningTwoFactorOff_SignsOutOtherSessionsWithinOneMinute()
    {
        var (user, _) = await Recovery.PairedUserAsync();
        var other = await stories.SignInAsync(user);
        stories.NextStep();
        var current = await stories.SignInAsync(user);
        stories.NextStep();
        var off = await (await current.GetAsync("/profile")).Form("Update")
            .Check("Use two factor authentication", false).Fill("Your password", user.Password).SubmitAsync();
        Assert.Contains("Two-factor authentication is off", off.Text, StringComparison.Ordinal);
        await AssertSignedOutWithinAMinuteAsync(other);
        Assert.Equal(HttpStatusCode.OK, (await current.Client.GetAsync("/profile")).StatusCode);
    }

    /// <summary>The stamp is re-checked at most once a minute (the app's clock): after 61 s the old cookie is refused.</summary>
    private async Task AssertSignedOutWithinAMinuteAsync(Browser session)
    {
        factory.Time.Advance(TimeSpan.FromSeconds(61));
        using var response = await session.Client.GetAsync("/profile");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.OriginalString.Replace("http://localhost", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
