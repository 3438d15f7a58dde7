using System.Net;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Recovery;

/// <summary>"Don't ask again on this device": operator setting, signed cookie, voided by password change and reset.</summary>
public sealed class RememberDeviceTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private readonly UserStories stories = new(factory);
    private RecoveryStories Recovery => new(factory, stories);

    private async Task<(TestUser Admin, Browser AdminBrowser, TestUser User)> OperatorRememberingAsync(int days)
    {
        var admin = await stories.NewUserAsync(admin: true);
        var adminBrowser = await stories.SignInAsync(admin);
        var saved = await RecoveryStories.SaveSettingsAsync(adminBrowser, rememberDays: days);
        Assert.Contains("Saved", saved.Text, StringComparison.Ordinal);
        var (user, _) = await Recovery.PairedUserAsync(admin.OperatorCode);
        return (admin, adminBrowser, user);
    }

    private async Task<Browser> SignInRememberingAsync(TestUser user)
    {
        var browser = stories.NewBrowser();
        var dialog = await UserStories.SubmitPasswordAsync(browser, user);
        var page = await dialog.Form("Confirm").Fill("Authentication code", stories.CodeNow(user)).Check("Don't ask again on this device").SubmitAsync();
        Assert.True(page.HasButton("Log out"));
        stories.NextStep();
        return browser;
    }

    private static async Task LogOutAsync(Browser browser) => await (await browser.GetAsync("/")).Form("Log out").SubmitAsync();

    [Fact]
    public async Task Setting_Off_NoCheckbox_AndOutOfRangeIsRefusedClearly()
    {
        var admin = await stories.NewUserAsync(admin: true);
        var adminBrowser = await stories.SignInAsync(admin);
        var (user, _) = await Recovery.PairedUserAsync(admin.OperatorCode);
        var dialog = await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user);
        Assert.DoesNotContain("Don't ask again on this device", dialog.Text, StringComparison.Ordinal);

        var refused = await RecoveryStories.SaveSettingsAsync(adminBrowser, rememberDays: 91, graceHours: 721);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("Remember a device: enter a whole number of days from 0 (off) to 90.", refused.Text, StringComparison.Ordinal);
        Assert.Contains("Grace period: enter a whole number of hours from 0 (none) to 720 (30 days).", refused.Text, StringComparison.Ordinal);
        var notANumber = await (await adminBrowser.GetAsync("/settings/general")).Form("Save").Fill("Remember a device for N days", "ten").SubmitAsync();
        Assert.Equal(HttpStatusCode.BadRequest, notANumber.Status);
    }

    [Fact]
    public async Task RememberedDevice_SkipsDialog_OtherBrowsersStillAsked_PasswordChangeVoidsIt()
    {
        var (_, _, user) = await OperatorRememberingAsync(30);
        var browser = await SignInRememberingAsync(user);
        await LogOutAsync(browser);
        var again = await UserStories.SubmitPasswordAsync(browser, user);
        Assert.True(again.HasButton("Log out"), "the remembered browser signs in with the password only");

        var other = await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user);
        Assert.True(other.IsCodeDialog, other.Text);

        // A wrong password is still wrong on a remembered device.
        await LogOutAsync(browser);
        var wrong = await UserStories.SubmitPasswordAsync(browser, user, "not the password");
        Assert.False(wrong.HasButton("Log out"));

        // Password change renews the security stamp: the remembered state is void.
        var signedIn = await UserStories.SubmitPasswordAsync(browser, user);
        var changed = await (await browser.GetAsync("/profile")).Form("Change password")
            .Fill("Current password", user.Password).Fill("New password", "a brand new password").Fill("Confirm new password", "a brand new password")
            .SubmitAsync();
        Assert.Contains("Your password has been changed", changed.Text, StringComparison.Ordinal);
        Assert.True(signedIn.HasButton("Log out"));
        var changedUser = user with { Password = "a brand new password" };
        changedUser.Secret = user.Secret;
        await LogOutAsync(browser);
        var asked = await UserStories.SubmitPasswordAsync(browser, changedUser);
        Assert.True(asked.IsCodeDialog, asked.Text);
    }

    [Fact]
    public async Task RememberedDevice_VoidedByAdminReset_AndExpiresAfterNDays()
    {
        var (admin, _, user) = await OperatorRememberingAsync(2);
        var browser = await SignInRememberingAsync(user);
        await LogOutAsync(browser);

        // Expiry from the app's clock: still remembered after 1 day, not after 2.
        factory.Time.Advance(TimeSpan.FromDays(1));
        var dayLater = await UserStories.SubmitPasswordAsync(browser, user);
        Assert.True(dayLater.HasButton("Log out"), dayLater.Url);
        await LogOutAsync(browser);
        factory.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.True((await UserStories.SubmitPasswordAsync(browser, user)).IsCodeDialog);

        // Remember again, then the administrator resets two-factor: no more skipping, a pairing is needed.
        var fresh = await SignInRememberingAsync(user);
        await LogOutAsync(fresh);
        var adminBrowser = await stories.SignInAsync(admin);
        var users = await adminBrowser.GetAsync("/users");
        var reset = await users.Form("Reset two-factor").SubmitAsync(); // the only user with two-factor
        Assert.Contains(user.Login, reset.Text, StringComparison.Ordinal);
        Assert.Contains("was reset", reset.Text, StringComparison.Ordinal);
        var afterReset = await UserStories.SubmitPasswordAsync(fresh, user);
        Assert.False(afterReset.HasButton("Log out"));
        Assert.Contains("A pairing link has been sent", afterReset.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("https")]
    public async Task RememberCookie_IsHttpOnlyStrict_SecureOverHttps_EncryptedAndExpiresWithTheSetting(string scheme)
    {
        var (_, _, user) = await OperatorRememberingAsync(7);
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = true,
            BaseAddress = new Uri($"{scheme}://localhost"),
        });
        using var login = await client.GetAsync("/login");
        using var dialog = await (await HtmlForm.FindAsync(login, button: "Log in")).SubmitAsync(client, new Dictionary<string, string>
        {
            ["Input.OperatorCode"] = user.OperatorCode, ["Input.Login"] = user.Login, ["Input.Password"] = user.Password,
        });
        using var done = await (await HtmlForm.FindAsync(dialog, button: "Confirm")).SubmitAsync(client, new Dictionary<string, string>
        {
            ["Input.Code"] = stories.CodeNow(user), ["Input.RememberDevice"] = "true",
        });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var cookie = done.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("Twofold.RememberDevice=", StringComparison.Ordinal));
        var lower = cookie.ToLowerInvariant();
        Assert.Contains("httponly", lower, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", lower, StringComparison.Ordinal);
        // Secure exactly when the request came over HTTPS (behind a proxy: X-Forwarded-Proto, docs/deployment.md).
        Assert.Equal(scheme == "https", lower.Split(';').Any(part => part.Trim() == "secure"));
        var expires = factory.Time.GetUtcNow().AddDays(7).ToString("ddd, dd MMM yyyy HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(expires.ToLowerInvariant(), lower, StringComparison.Ordinal);
        var userId = await Recovery.UserIdAsync(user);
        Assert.DoesNotContain(userId.ToString("N"), lower, StringComparison.Ordinal);
        Assert.DoesNotContain(userId.ToString(), lower, StringComparison.Ordinal);
    }
}
