using AngleSharp.Html.Parser;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using OtpNet;

namespace Twofold.IntegrationTests.Infrastructure;

/// <summary>A test user: who they are and, once paired, the secret their phone holds.</summary>
public sealed record TestUser(string OperatorCode, string Login, string Email, string Password)
{
    public byte[]? Secret { get; set; }
}

/// <summary>Chains the pages the way a person walks through them; each step asserts what the person would see.</summary>
public sealed class UserStories(TwofoldFactory factory)
{
    public const string DefaultPassword = "correct horse battery";

    public Browser NewBrowser() => new(factory.CreateBrowserClient());

    public async Task<TestUser> NewUserAsync(string? operatorCode = null, bool admin = false, string? login = null)
    {
        operatorCode ??= await factory.CreateOperatorAsync();
        login ??= "user" + Guid.NewGuid().ToString("N")[..8];
        var user = new TestUser(operatorCode, login, $"{login}@{operatorCode.ToLowerInvariant()}.test", DefaultPassword);
        await factory.CreateUserAsync(operatorCode, login, user.Email, user.Password, admin);
        return user;
    }

    public static async Task<WebPage> SubmitPasswordAsync(Browser browser, TestUser user, string? password = null)
    {
        var login = await browser.GetAsync("/login");
        return await login.Form("Log in")
            .Fill("Operator code", user.OperatorCode)
            .Fill("Login", user.Login)
            .Fill("Password", password ?? user.Password)
            .SubmitAsync();
    }

    public static async Task<WebPage> SubmitCodeAsync(WebPage dialog, string code) =>
        await dialog.Form("Confirm").Fill("Authentication code", code).SubmitAsync();

    /// <summary>Signs in with password only; asserts a session exists.</summary>
    public async Task<Browser> SignInAsync(TestUser user)
    {
        var browser = NewBrowser();
        var page = await SubmitPasswordAsync(browser, user);
        if (user.Secret is not null && page.IsCodeDialog)
        {
            page = await SubmitCodeAsync(page, CodeNow(user));
        }

        Assert.True(page.HasButton("Log out"), $"Expected a session. Page: {page.Text.Trim()}");
        return browser;
    }

    /// <summary>Signs in, turns two-factor on and pairs from the mail; returns the last page (the recovery codes).</summary>
    public async Task<WebPage> TurnOnAndPairAsync(TestUser user) =>
        await PairAsync(user, await TurnOnTwoFactorAsync(await SignInAsync(user), user));

    /// <summary>Profile → tick "Use two factor authentication" → Update; returns the pairing mail.</summary>
    public async Task<MimeMessage> TurnOnTwoFactorAsync(Browser browser, TestUser user)
    {
        var before = factory.Smtp.Messages.Count;
        var profile = await browser.GetAsync("/profile");
        var updated = await profile.Form("Update").Check("Use two factor authentication").SubmitAsync();
        Assert.True(updated.Text.Contains("A pairing link has been sent", StringComparison.Ordinal), $"{updated.Status} {updated.Url}: {System.Text.RegularExpressions.Regex.Replace(updated.Text, @"\s+", " ")}");
        return await PairingMailAsync(user, before);
    }

    public Task<MimeMessage> PairingMailAsync(TestUser user, int afterCount = 0) =>
        factory.Smtp.WaitForMessageAsync(m =>
            factory.Smtp.Messages.ToList().IndexOf(m) >= afterCount
            && m.To.Mailboxes.Any(b => b.Address == user.Email)
            && PairingLinkOf(m) is not null);

    public static string? PairingLinkOf(MimeMessage mail)
    {
        if (mail.HtmlBody is null)
        {
            return null;
        }

        var document = new HtmlParser().ParseDocument(mail.HtmlBody);
        return document.QuerySelectorAll("a").FirstOrDefault(a => a.TextContent.Trim() == "Pair your mobile device with Twofold!")?.GetAttribute("href");
    }

    /// <summary>Link → password gate → QR (decoded independently) → code → "Your mobile device is paired".</summary>
    public async Task<WebPage> PairAsync(TestUser user, MimeMessage mail, Browser? browser = null)
    {
        var qrPage = await OpenQrAsync(user, mail, browser);
        var secret = SecretFromQr(qrPage);
        user.Secret = secret;
        var done = await qrPage.Form("Pair device").Fill("Authentication code", CodeNow(user)).SubmitAsync();
        Assert.Contains("Your mobile device is paired", done.Text, StringComparison.Ordinal);
        return done;
    }

    public async Task<WebPage> OpenQrAsync(TestUser user, MimeMessage mail, Browser? browser = null)
    {
        browser ??= NewBrowser();
        var link = PairingLinkOf(mail) ?? throw new InvalidOperationException("No pairing link in the mail.");
        var gate = await browser.GetAsync(link);
        Assert.Equal(user.OperatorCode, gate.Form("Continue").ValueOf("Operator code"), ignoreCase: true);
        Assert.Equal(user.Login, gate.Form("Continue").ValueOf("Login"));
        var qrPage = await gate.Form("Continue").Fill("Password", user.Password).SubmitAsync();
        Assert.Equal(System.Net.HttpStatusCode.OK, qrPage.Status);
        return qrPage;
    }

    public static byte[] SecretFromQr(WebPage qrPage)
    {
        var img = qrPage.Document.QuerySelectorAll("img").Single(i => (i.GetAttribute("alt") ?? string.Empty).Contains("QR code", StringComparison.Ordinal));
        var uri = new Uri(QrDecoder.DecodeDataUri(img.GetAttribute("src")!));
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        return Base32Encoding.ToBytes(query["secret"]!);
    }

    /// <summary>The code the user's phone shows at the factory's (fake) current time.</summary>
    public string CodeNow(TestUser user, int stepOffset = 0) =>
        new OtpNet.Totp(user.Secret ?? throw new InvalidOperationException("User has no paired secret."))
            .ComputeTotp(factory.Time.GetUtcNow().UtcDateTime.AddSeconds(30 * stepOffset));

    /// <summary>Moves the clock to the start of the next 30-s step, so a new code exists.</summary>
    public void NextStep()
    {
        var now = factory.Time.GetUtcNow();
        var intoStep = now.ToUnixTimeSeconds() % 30;
        factory.Time.Advance(TimeSpan.FromSeconds(30 - intoStep));
    }

    public async Task<T> WithServiceAsync<T>(Func<IServiceProvider, Task<T>> action) where T : notnull
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }
}
