using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Twofold.Data;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.Mail;

namespace Twofold.IntegrationTests.Audit;

/// <summary>Each security notice reaches the SMTP server through the outbox and says what, when, where and what to do.</summary>
public sealed class SecurityNoticeTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private const string ClientIp = "198.51.100.23";
    private readonly UserStories stories = new(factory);

    private Browser FromClient()
    {
        var browser = stories.NewBrowser();
        browser.Client.DefaultRequestHeaders.Add("X-Forwarded-For", ClientIp);
        return browser;
    }

    private Task<MimeMessage> NoticeAsync(TestUser user, string subject) =>
        factory.Smtp.WaitForMessageAsync(m => SmtpSink.IsTo(m, user.Email) && m.Subject == subject);

    /// <summary>What every notice must say, in both parts.</summary>
    private static void AssertNotice(MimeMessage mail, TestUser user, string happened, string? from = ClientIp)
    {
        Assert.False(string.IsNullOrEmpty(mail.TextBody), "plain-text part");
        Assert.False(string.IsNullOrEmpty(mail.HtmlBody), "HTML part");
        foreach (var body in new[] { mail.TextBody, System.Net.WebUtility.HtmlDecode(mail.HtmlBody) })
        {
            Assert.Contains(happened, body, StringComparison.Ordinal);
            Assert.Contains($"{user.OperatorCode} / {user.Login}", body, StringComparison.Ordinal);
            Assert.Matches(@"When: \d{4}-\d\d-\d\d \d\d:\d\d UTC", body);
            Assert.Contains(from is null ? "Where: from the administration tool" : $"Where: from the address {from}", body, StringComparison.Ordinal);
            Assert.Contains("If this was not you", body, StringComparison.Ordinal);
            Assert.Contains("http://localhost/login/forgot-password", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TwoFactorTurnedOff_SendsNotice()
    {
        var user = await stories.NewUserAsync();
        var browser = await SignInFromClientAsync(user);
        await stories.TurnOnTwoFactorAsync(browser, user);
        await (await browser.GetAsync("/profile")).Form("Update").Check("Use two factor authentication", false).Fill("Your password", user.Password).SubmitAsync();
        AssertNotice(await NoticeAsync(user, "Two-factor authentication was turned off"), user, "Two-factor authentication was turned off for your account");
    }

    [Fact]
    public async Task PasswordChanged_SendsNotice()
    {
        var user = await stories.NewUserAsync();
        var browser = await SignInFromClientAsync(user);
        await (await browser.GetAsync("/profile")).Form("Change password")
            .Fill("Current password", user.Password).Fill("New password", "another password 9").Fill("Confirm new password", "another password 9").SubmitAsync();
        var mail = await NoticeAsync(user, "Your password was changed");
        AssertNotice(mail, user, "The password of your account was changed.");
        Assert.DoesNotContain("another password 9", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeviceResetByAdministrator_SendsNotice_NamingTheAdministrator()
    {
        var op = await factory.CreateOperatorAsync();
        var admin = await stories.NewUserAsync(op, admin: true);
        var user = await stories.NewUserAsync(op);
        await stories.TurnOnAndPairAsync(user);
        var adminBrowser = await SignInFromClientAsync(admin);
        await (await adminBrowser.GetAsync("/users")).Form("Reset two-factor").SubmitAsync();
        AssertNotice(await NoticeAsync(user, "Your authenticator was reset by an administrator"), user,
            $"The administrator {admin.Login} removed the authenticator (mobile device) of your account.");
    }

    [Fact]
    public async Task AccountLocked_SendsNotice_ForPasswordsAndForCodes()
    {
        var guessed = await stories.NewUserAsync();
        for (var i = 0; i < 10; i++)
        {
            await UserStories.SubmitPasswordAsync(FromClient(), guessed, $"wrong guess {i} xyz");
        }

        var mail = await NoticeAsync(guessed, "Your account was locked after failed attempts");
        AssertNotice(mail, guessed, "Your account was locked after too many wrong passwords.");
        Assert.Contains("You can sign in again after", mail.TextBody, StringComparison.Ordinal);

        var paired = await stories.NewUserAsync();
        await stories.PairAsync(paired, await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(paired), paired));
        stories.NextStep();
        var dialog = await UserStories.SubmitPasswordAsync(FromClient(), paired);
        var right = int.Parse(stories.CodeNow(paired), System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 1; i <= 5; i++)
        {
            dialog = await UserStories.SubmitCodeAsync(dialog, ((right + i) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture));
        }

        AssertNotice(await NoticeAsync(paired, "Your account was locked after failed attempts"), paired,
            "Your account was locked after too many wrong authentication codes");
        Assert.Single(factory.Smtp.MessagesTo(paired.Email), m => m.Subject == "Your account was locked after failed attempts");
    }

    [Fact]
    public async Task RecoveryCodeUsed_SendsNotice_WithTheRemainingCount()
    {
        // Recovery codes are another feature; the notice is called through its service and committed with SaveChanges.
        var user = await stories.NewUserAsync();
        await factory.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<TwofoldDbContext>();
            var stored = await db.Users.SingleAsync(u => u.Login == user.Login);
            await sp.GetRequiredService<SecurityNotices>().RecoveryCodeUsedAsync(stored, 7);
            await db.SaveChangesAsync();
        });
        var mail = await NoticeAsync(user, "A recovery code was used");
        AssertNotice(mail, user, "A recovery code was used to sign in to your account", from: null);
        Assert.Contains("7 recovery codes remain.", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminCliReset_NoticeSaysItCameFromTheServer()
    {
        var user = await stories.NewUserAsync();
        await factory.WithScopeAsync(async sp =>
        {
            var accounts = sp.GetRequiredService<Users.UserAccounts>();
            var stored = await accounts.FindUserAsync(user.OperatorCode, user.Login);
            Assert.True((await accounts.ResetTwoFactorAsync(stored!)).Succeeded);
        });
        AssertNotice(await NoticeAsync(user, "Your authenticator was reset by an administrator"), user,
            "An administrator removed the authenticator (mobile device) of your account.", from: null);
    }

    private async Task<Browser> SignInFromClientAsync(TestUser user)
    {
        var browser = FromClient();
        Assert.True((await UserStories.SubmitPasswordAsync(browser, user)).HasButton("Log out"));
        return browser;
    }
}
