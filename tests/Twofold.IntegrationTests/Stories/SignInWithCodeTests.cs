using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Twofold.Data;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Stories;

/// <summary>The seed's story end to end: enable, mail, pair, sign in with the code — and the code rules.</summary>
public sealed class SignInWithCodeTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private readonly UserStories stories = new(factory);

    [Fact]
    public async Task WholeStory_EnablePairSignOutSignInWithCode()
    {
        var user = await stories.NewUserAsync();
        var browser = await stories.SignInAsync(user);
        var home = await browser.GetAsync("/");
        Assert.True(home.HasLink("Profile"));
        Assert.False(home.HasLink("Users"));

        var mail = await stories.TurnOnTwoFactorAsync(browser, user);
        Assert.Contains("two-factor authentication was turned on for", mail.TextBody, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"{user.OperatorCode} / {user.Login}", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("change your password", mail.TextBody, StringComparison.Ordinal);
        var link = UserStories.PairingLinkOf(mail)!;
        Assert.StartsWith("http://localhost/pair?token=", link, StringComparison.Ordinal);

        // The QR step: checked independently (ZXing), no-store, the manual key and the app link.
        var qrPage = await stories.OpenQrAsync(user, mail);
        Assert.Contains("no-store", qrPage.CacheControl, StringComparison.Ordinal);
        var img = qrPage.Document.QuerySelectorAll("img").Single(i => i.GetAttribute("alt")!.Contains("QR code", StringComparison.Ordinal));
        var otpauth = QrDecoder.DecodeDataUri(img.GetAttribute("src")!);
        var secret = UserStories.SecretFromQr(qrPage);
        var base32 = OtpNet.Base32Encoding.ToString(secret).TrimEnd('=');
        Assert.Equal(
            $"otpauth://totp/Twofold:{user.OperatorCode}%2F{user.Login}?secret={base32}&issuer=Twofold&algorithm=SHA1&digits=6&period=30",
            otpauth);
        Assert.True(secret.Length >= 20, "secret must have at least 160 bits");
        Assert.Contains(string.Join(' ', base32.Chunk(4).Select(c => new string(c))), qrPage.Text, StringComparison.Ordinal);
        Assert.Equal(otpauth, qrPage.Document.QuerySelectorAll("a").Single(a => a.TextContent.Trim() == "Open in authenticator app").GetAttribute("href"));

        user.Secret = secret;
        var paired = await qrPage.Form("Pair device").Fill("Authentication code", stories.CodeNow(user)).SubmitAsync();
        Assert.Contains("Your mobile device is paired", paired.Text, StringComparison.Ordinal);

        // The secret is stored encrypted, never in clear or base32.
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TwofoldDbContext>();
            var stored = await db.Authenticators.Include(a => a.User).SingleAsync(a => a.User.Login == user.Login && a.Status == AuthenticatorStatus.Paired);
            Assert.DoesNotContain(base32, stored.ProtectedSecret, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(secret), stored.ProtectedSecret, StringComparison.Ordinal);
        }

        // Sign out, sign in: the password alone opens the dialog, not a session.
        await (await browser.GetAsync("/")).Form("Log out").SubmitAsync();
        stories.NextStep();
        var fresh = stories.NewBrowser();
        var dialogPage = await UserStories.SubmitPasswordAsync(fresh, user);
        var dialog = dialogPage.Document.QuerySelector("dialog");
        Assert.NotNull(dialog);
        var titleId = dialog!.GetAttribute("aria-labelledby");
        Assert.Equal("Two-factor authentication", dialogPage.Document.GetElementById(titleId!)!.TextContent.Trim());
        var codeField = dialogPage.Form("Confirm").InputOf("Authentication code");
        Assert.Equal("one-time-code", codeField.GetAttribute("autocomplete"));
        Assert.Equal("numeric", codeField.GetAttribute("inputmode"));
        Assert.Equal(HttpStatusCode.Redirect, (await fresh.Client.GetAsync("/profile")).StatusCode);

        var signedIn = await UserStories.SubmitCodeAsync(dialogPage, stories.CodeNow(user));
        Assert.True(signedIn.HasButton("Log out"));
        Assert.Equal(HttpStatusCode.OK, (await fresh.Client.GetAsync("/profile")).StatusCode);
    }

    [Fact]
    public async Task Code_IsValidForSixtySeconds_PreviousStepAccepted_TwoStepsBackRefused()
    {
        var user = await PairedUserAsync();

        // Pairing used the current step; two steps on, the previous step's code is fresh.
        stories.NextStep();
        stories.NextStep();
        var previousCode = stories.CodeNow(user, stepOffset: -1);
        var page = await UserStories.SubmitCodeAsync(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user), previousCode);
        Assert.True(page.HasButton("Log out"), "the code of the previous step is still valid");

        stories.NextStep();
        var twoBack = stories.CodeNow(user, stepOffset: -2);
        var refused = await UserStories.SubmitCodeAsync(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user), twoBack);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.False(refused.HasButton("Log out"));
        Assert.Contains("not correct", refused.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Code_CannotBeReplayed_NorAnEarlierOne()
    {
        var user = await PairedUserAsync();
        stories.NextStep();
        var code = stories.CodeNow(user);
        var earlier = stories.CodeNow(user, stepOffset: -1);
        Assert.True((await UserStories.SubmitCodeAsync(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user), code)).HasButton("Log out"));

        var replay = await UserStories.SubmitCodeAsync(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user), code);
        Assert.False(replay.HasButton("Log out"));
        Assert.Contains("already been used", replay.Text, StringComparison.Ordinal);

        var older = await UserStories.SubmitCodeAsync(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user), earlier);
        Assert.False(older.HasButton("Log out"));
    }

    [Fact]
    public async Task PairingCode_CountsAsUsed()
    {
        var user = await stories.NewUserAsync();
        var mail = await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(user), user);
        await stories.PairAsync(user, mail);
        var sameStepCode = stories.CodeNow(user);

        var page = await UserStories.SubmitCodeAsync(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user), sameStepCode);
        Assert.False(page.HasButton("Log out"));
        Assert.Contains("already been used", page.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    [InlineData("123 456")]
    [InlineData("１２３４５６")]
    public async Task MalformedCode_GetsClearMessage_AndIsNotCounted(string bad)
    {
        var user = await PairedUserAsync();
        stories.NextStep();
        var dialog = await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user);
        var page = await UserStories.SubmitCodeAsync(dialog, bad);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("6-digit code", page.Text, StringComparison.Ordinal);

        // Surrounding spaces are trimmed: the right code with spaces still works.
        var ok = await UserStories.SubmitCodeAsync(page, $"  {stories.CodeNow(user)} ");
        Assert.True(ok.HasButton("Log out"));
    }

    [Fact]
    public async Task FiveWrongCodes_LockTheCodeStep_AndDropThePasswordState()
    {
        var user = await PairedUserAsync();
        stories.NextStep();
        var browser = stories.NewBrowser();
        var page = await UserStories.SubmitPasswordAsync(browser, user);
        var wrong = WrongCode(stories.CodeNow(user), stories.CodeNow(user, -1));
        for (var i = 0; i < 4; i++)
        {
            page = await UserStories.SubmitCodeAsync(page, wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
        }

        page = await UserStories.SubmitCodeAsync(page, wrong);
        Assert.Equal((HttpStatusCode)423, page.Status);
        Assert.Contains("temporarily locked", page.Text, StringComparison.Ordinal);
        Assert.Contains("UTC", page.Text, StringComparison.Ordinal);

        // The pending state is gone: the dialog URL sends back to /login.
        var after = await browser.GetAsync("/login/two-factor");
        Assert.EndsWith("/login?expired=True", after.Url, StringComparison.OrdinalIgnoreCase);

        // Even the right password and code are refused until the lock ends …
        var locked = await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user);
        Assert.Contains("temporarily locked", locked.Text, StringComparison.Ordinal);

        // … and accepted after 15 minutes.
        factory.Time.Advance(TimeSpan.FromMinutes(15));
        stories.NextStep();
        var dialog = await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user);
        Assert.True((await UserStories.SubmitCodeAsync(dialog, stories.CodeNow(user))).HasButton("Log out"));
    }

    [Fact]
    public async Task TenWrongPasswords_LockPasswordSignIn_WrongCodesDoNotCountThere()
    {
        var user = await PairedUserAsync();
        for (var i = 0; i < 9; i++)
        {
            var page = await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user, "wrong password!");
            Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
        }

        var tenth = await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user, "wrong password!");
        Assert.Equal((HttpStatusCode)423, tenth.Status);
        Assert.Contains("temporarily locked", tenth.Text, StringComparison.Ordinal);
        var right = await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user);
        Assert.Contains("temporarily locked", right.Text, StringComparison.Ordinal);

        factory.Time.Advance(TimeSpan.FromMinutes(16));
        stories.NextStep();
        var dialog = await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user);
        Assert.True((await UserStories.SubmitCodeAsync(dialog, stories.CodeNow(user))).HasButton("Log out"));
    }

    [Fact]
    public async Task PasswordVerifiedState_ExpiresAfterFiveMinutes()
    {
        var user = await PairedUserAsync();
        stories.NextStep();
        var browser = stories.NewBrowser();
        var dialog = await UserStories.SubmitPasswordAsync(browser, user);
        factory.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var page = await UserStories.SubmitCodeAsync(dialog, stories.CodeNow(user));
        Assert.False(page.HasButton("Log out"));
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RightPassword_AnswersWithTheDialog_WhichAReloadRendersAgain()
    {
        var user = await PairedUserAsync();
        stories.NextStep();
        var browser = stories.NewBrowser();

        // The password step's own answer is the dialog: 200 on /login, no redirect, no session yet.
        var dialog = await UserStories.SubmitPasswordAsync(browser, user);
        Assert.Equal(HttpStatusCode.OK, dialog.Status);
        Assert.EndsWith("/login", dialog.Url, StringComparison.Ordinal);
        Assert.True(dialog.IsCodeDialog, dialog.Text);
        Assert.False(dialog.HasButton("Log out"));
        Assert.Equal("/", dialog.Form("Confirm").Element.QuerySelector("input[name='ReturnUrl']")!.GetAttribute("value"));
        Assert.Equal("Two-factor authentication", dialog.Document.Title?.Split('·')[0].Trim());

        // A reload of /login/two-factor (the pending state is a cookie) shows the same dialog; its form signs in.
        var again = await browser.GetAsync("/login/two-factor");
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.True(again.IsCodeDialog, again.Text);
        Assert.True((await UserStories.SubmitCodeAsync(again, stories.CodeNow(user))).HasButton("Log out"));
    }

    [Fact]
    public async Task DialogWithoutPendingState_RedirectsToLogin()
    {
        var response = await stories.NewBrowser().Client.GetAsync("/login/two-factor");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    private async Task<TestUser> PairedUserAsync()
    {
        var user = await stories.NewUserAsync();
        var mail = await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(user), user);
        await stories.PairAsync(user, mail);
        return user;
    }

    private static string WrongCode(params string[] avoid)
    {
        for (var i = 0; ; i++)
        {
            var candidate = (123456 + (i * 7919)).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            if (!avoid.Contains(candidate))
            {
                return candidate;
            }
        }
    }
}
