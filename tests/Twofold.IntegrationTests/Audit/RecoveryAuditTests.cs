using OtpNet;
using Twofold.Audit;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.IntegrationTests.Recovery;

namespace Twofold.IntegrationTests.Audit;

/// <summary>The recovery features' events, each through its page: recorded with the client address, never with a code, secret or token.</summary>
public sealed class RecoveryAuditTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private const string ClientIp = "198.51.100.23";

    private readonly UserStories stories = new(factory);
    private RecoveryStories Recovery => new(factory, stories);

    private Browser TaggedBrowser()
    {
        var browser = stories.NewBrowser();
        browser.Client.DefaultRequestHeaders.Add("X-Forwarded-For", ClientIp);
        return browser;
    }

    [Fact]
    public async Task RecoveryCodeUsedAndRegenerated_NewDevice_DeviceRemembered_SettingsChanged_AreRecorded_WithNoSecret()
    {
        var admin = await stories.NewUserAsync(admin: true);
        var adminBrowser = TaggedBrowser();
        Assert.True((await UserStories.SubmitPasswordAsync(adminBrowser, admin)).HasButton("Log out"));
        Assert.Contains("Saved", (await RecoveryStories.SaveSettingsAsync(adminBrowser, rememberDays: 7)).Text, StringComparison.Ordinal);
        var (user, codes) = await Recovery.PairedUserAsync(admin.OperatorCode);
        var secrets = new List<string>(codes) { user.Password, admin.Password, Base32Encoding.ToString(user.Secret!) };
        secrets.AddRange(codes.Select(c => c.Replace("-", "", StringComparison.Ordinal)));

        // A recovery code at sign-in: its notice says how many remain.
        var signedIn = await Recovery.SignInWithRecoveryCodeAsync(user, codes[0], TaggedBrowser());
        Assert.True(signedIn.HasButton("Log out"));
        var notice = await factory.Smtp.WaitForMessageAsync(m => SmtpSink.IsTo(m, user.Email) && m.Subject == "A recovery code was used");
        Assert.Contains("9 recovery codes remain.", notice.TextBody, StringComparison.Ordinal);

        // "Don't ask again on this device".
        var browser = TaggedBrowser();
        var dialog = await UserStories.SubmitPasswordAsync(browser, user);
        var code = stories.CodeNow(user);
        secrets.Add(code);
        Assert.True((await dialog.Form("Confirm").Fill("Authentication code", code).Check("Don't ask again on this device").SubmitAsync()).HasButton("Log out"));
        stories.NextStep();

        // A new set of recovery codes on the profile.
        var current = stories.CodeNow(user);
        secrets.Add(current);
        var regenerated = await (await browser.GetAsync("/profile/recovery-codes")).Form("Create new recovery codes")
            .Fill("Current authentication code", current).SubmitAsync();
        var newCodes = RecoveryStories.CodesOn(regenerated);
        Assert.Equal(10, newCodes.Count);
        secrets.AddRange(newCodes);
        stories.NextStep();

        // "Pair a new device", proven with a recovery code (spent on the profile).
        var before = factory.Smtp.Messages.Count;
        var newDevice = await (await browser.GetAsync("/profile")).Document.QuerySelectorAll("a")
            .Where(a => a.TextContent.Trim() == "Pair a new device").Select(a => browser.GetAsync(a.GetAttribute("href")!)).Single();
        var sent = await newDevice.Form("Send pairing link").Fill("Your password", user.Password)
            .Fill("Authentication code or recovery code", newCodes[0]).SubmitAsync();
        Assert.Contains("Your current device keeps working until you pair the new one", sent.Text, StringComparison.Ordinal);
        var link = UserStories.PairingLinkOf(await stories.PairingMailAsync(user, before))!;
        secrets.Add(System.Web.HttpUtility.ParseQueryString(new Uri(link).Query)["token"]!);

        var rows = await AuditRows.ForLoginAsync(factory, user.OperatorCode, user.Login);
        Assert.Contains(rows, r => r.Type == AuditEventType.RecoveryCodeUsed && r.Detail == "at sign-in" && r.ClientIp == ClientIp);
        Assert.Contains(rows, r => r.Type == AuditEventType.SignInSucceeded && r.Detail == "password and recovery code");
        Assert.Contains(rows, r => r.Type == AuditEventType.RecoveryCodeUsed && r.Detail == "on the profile" && r.ClientIp == ClientIp);
        Assert.Single(rows, r => r.Type == AuditEventType.DeviceRemembered && r.Detail == "for 7 day(s)" && r.ClientIp == ClientIp);
        Assert.Single(rows, r => r.Type == AuditEventType.RecoveryCodesRegenerated && r.Login == user.Login && r.ClientIp == ClientIp);
        Assert.Single(rows, r => r.Type == AuditEventType.NewDeviceRequested && r.ClientIp == ClientIp);
        var settings = (await AuditRows.ForOperatorAsync(factory, admin.OperatorCode)).Single(r => r.Type == AuditEventType.SettingsChanged);
        Assert.Equal(admin.Login, settings.ActorLogin);
        Assert.Equal(ClientIp, settings.ClientIp);
        Assert.Contains("remember a device for 7 day(s)", settings.Detail, StringComparison.Ordinal);

        await AuditRows.AssertNoneContainAsync(factory, secrets);
    }
}
