using System.Net;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Audit;

/// <summary>"Forgot password?": same answer for every account, single-use 1-hour link, and never a way around the code.</summary>
public sealed class ForgotPasswordTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private const string NewPassword = "freshly reset password";
    private readonly UserStories stories = new(factory);

    public static string ResetLinkOf(MimeMessage mail)
    {
        var document = new HtmlParser().ParseDocument(mail.HtmlBody ?? string.Empty);
        var href = document.QuerySelectorAll("a").FirstOrDefault(a => a.TextContent.Trim() == "Reset your password")?.GetAttribute("href");
        Assert.False(href is null, "no reset link in the mail");
        Assert.Contains(href, mail.TextBody, StringComparison.Ordinal);
        return href!;
    }

    private async Task<WebPage> RequestAsync(string operatorCode, string login) =>
        await (await stories.NewBrowser().GetAsync("/login/forgot-password")).Form("Send reset link")
            .Fill("Operator code", operatorCode).Fill("Login", login).SubmitAsync();

    private async Task<string> RequestLinkAsync(TestUser user)
    {
        var before = factory.Smtp.MessagesTo(user.Email).Count;
        await RequestAsync(user.OperatorCode, user.Login);
        var mail = await factory.Smtp.WaitForMessageAsync(m => SmtpSink.IsTo(m, user.Email)
            && factory.Smtp.MessagesTo(user.Email).ToList().IndexOf(m) >= before && m.Subject == "Reset your Twofold password");
        return ResetLinkOf(mail);
    }

    private static async Task<WebPage> SetPasswordAsync(Browser browser, string link, string password = NewPassword) =>
        await (await browser.GetAsync(link)).Form("Set new password")
            .Fill("New password", password).Fill("Confirm new password", password).SubmitAsync();

    [Fact]
    public async Task LoginPage_LinksToForgotPassword()
    {
        var login = await stories.NewBrowser().GetAsync("/login");
        var link = login.Document.QuerySelectorAll("a").Single(a => a.TextContent.Trim() == "Forgot password?");
        Assert.Equal("/login/forgot-password", link.GetAttribute("href"));
    }

    [Fact]
    public async Task SameAnswer_WhetherOrNotTheAccountExists_OnlyTheOwnerGetsMail()
    {
        var user = await stories.NewUserAsync();
        var pages = new[]
        {
            await RequestAsync(user.OperatorCode, user.Login),
            await RequestAsync(user.OperatorCode, "nobody"),
            await RequestAsync("NOPE" + user.OperatorCode, user.Login),
        };
        var answers = pages.Select(p => p.Document.QuerySelector("main")!.TextContent.Trim()).ToList();
        Assert.All(pages, p => Assert.Equal(HttpStatusCode.OK, p.Status));
        Assert.All(answers, a => Assert.Equal(answers[0], a));
        Assert.Contains("If this account exists", answers[0], StringComparison.Ordinal);

        var mail = await factory.Smtp.WaitForMessageToAsync(user.Email);
        Assert.Contains("expires at", mail.TextBody, StringComparison.Ordinal);
        Assert.Single(factory.Smtp.MessagesTo(user.Email));

        // Empty fields: a clear 400, not the "sent" answer.
        var empty = await (await stories.NewBrowser().GetAsync("/login/forgot-password")).Form("Send reset link").SubmitAsync();
        Assert.Equal(HttpStatusCode.BadRequest, empty.Status);
        Assert.Contains("Enter your operator code.", empty.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetLink_WorksOnce_AndTheOldPasswordStopsWorking()
    {
        var user = await stories.NewUserAsync();
        var oldSession = await stories.SignInAsync(user);
        var link = await RequestLinkAsync(user);

        // Opening the link changes nothing; a short password is refused with the policy message.
        Assert.Equal(HttpStatusCode.OK, (await stories.NewBrowser().GetAsync(link)).Status);
        var tooShort = await SetPasswordAsync(stories.NewBrowser(), link, "short");
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.Status);
        Assert.Contains("10 to 256 characters", tooShort.Text, StringComparison.Ordinal);

        var done = await SetPasswordAsync(stories.NewBrowser(), link);
        Assert.Equal(HttpStatusCode.OK, done.Status);
        Assert.Contains("Your password has been changed", done.Text, StringComparison.Ordinal);
        Assert.False(done.HasButton("Log out"), "a reset never signs anyone in");

        var again = await stories.NewBrowser().GetAsync(link);
        Assert.Equal(HttpStatusCode.Gone, again.Status);
        Assert.Contains("already been used", again.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, (await SetPasswordAsyncRaw(link)).Status);

        Assert.Equal(HttpStatusCode.Unauthorized, (await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user)).Status);
        await stories.SignInAsync(user with { Password = NewPassword });

        // The security stamp changed: the session from before the reset ends within the validation interval.
        factory.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.False((await oldSession.GetAsync("/profile")).HasButton("Log out"));
    }

    /// <summary>Posts the form of a still-open copy of the page after the link was used (a second tab).</summary>
    private async Task<WebPage> SetPasswordAsyncRaw(string link)
    {
        var other = await RequestLinkAsync(await stories.NewUserAsync());
        var page = await stories.NewBrowser().GetAsync(other);
        var token = System.Web.HttpUtility.ParseQueryString(new Uri(link).Query)["token"]!;
        return await page.Form("Set new password").Set("Token", token)
            .Fill("New password", NewPassword).Fill("Confirm new password", NewPassword).SubmitAsync();
    }

    [Fact]
    public async Task ResetLink_ExpiresAfterOneHour_AndANewerLinkVoidsTheOlder()
    {
        var user = await stories.NewUserAsync();
        var first = await RequestLinkAsync(user);
        factory.Time.Advance(TimeSpan.FromMinutes(3)); // past the per-account mail throttle
        var second = await RequestLinkAsync(user);
        Assert.Equal(HttpStatusCode.Gone, (await stories.NewBrowser().GetAsync(first)).Status);

        factory.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, (await stories.NewBrowser().GetAsync(second)).Status);
        factory.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var expired = await stories.NewBrowser().GetAsync(second);
        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        Assert.Contains("The link has expired", expired.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await stories.NewBrowser().GetAsync("/login/reset-password?token=not-a-token")).Status);

        // The password is unchanged.
        await stories.SignInAsync(user);
    }

    [Fact]
    public async Task ResetToken_IsStoredOnlyAsHash()
    {
        var user = await stories.NewUserAsync();
        var token = System.Web.HttpUtility.ParseQueryString(new Uri(await RequestLinkAsync(user)).Query)["token"]!;
        Assert.True(System.Buffers.Text.Base64Url.DecodeFromChars(token).Length >= 16, "at least 128 bits");
        var hashes = await factory.WithDbAsync(db => db.PasswordResetTokens.Select(t => t.TokenHash).ToListAsync());
        Assert.Contains(hashes, h => h.SequenceEqual(System.Security.Cryptography.SHA256.HashData(System.Buffers.Text.Base64Url.DecodeFromChars(token))));
        Assert.DoesNotContain(hashes, h => System.Text.Encoding.ASCII.GetString(h).Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reset_EndsAPasswordLockout()
    {
        var user = await stories.NewUserAsync();
        for (var i = 0; i < 10; i++)
        {
            await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user, $"bad guess {i} 123");
        }

        Assert.Equal((HttpStatusCode)423, (await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user)).Status);
        await SetPasswordAsync(stories.NewBrowser(), await RequestLinkAsync(user));
        await stories.SignInAsync(user with { Password = NewPassword });
    }

    [Fact]
    public async Task Reset_NeverBypassesTheSecondFactor()
    {
        var user = await stories.NewUserAsync();
        await stories.TurnOnAndPairAsync(user);
        await SetPasswordAsync(stories.NewBrowser(), await RequestLinkAsync(user));
        user = user with { Password = NewPassword };

        var browser = stories.NewBrowser();
        var dialog = await UserStories.SubmitPasswordAsync(browser, user);
        Assert.True(dialog.IsCodeDialog, dialog.Text);
        Assert.False(dialog.HasButton("Log out"), "no session before the code");
        Assert.False((await browser.GetAsync("/profile")).HasButton("Log out"));

        stories.NextStep();
        Assert.True((await UserStories.SubmitCodeAsync(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user), stories.CodeNow(user))).HasButton("Log out"));
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.TwofoldDbContext>();
        Assert.True(await db.Users.Where(u => u.Login == user.Login).Select(u => u.TwoFactorEnabled).SingleAsync());
    }
}
