using System.Web;
using Microsoft.Playwright;
using MimeKit;
using Twofold.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Twofold.BrowserTests.Infrastructure;

/// <summary>What a person does in the browser, step by step, each step asserting what they see and saving a screenshot.</summary>
public static class BrowserSteps
{
    public const string Password = TwofoldFactory.DefaultPassword;

    public static PageGetByRoleOptions Named(string name) => new() { Name = name, Exact = true };

    /// <summary>/login: Operator code, Login, Password, Log in.</summary>
    public static async Task SubmitPasswordAsync(BrowserSession session, string operatorCode, string login, string step)
    {
        var page = session.Page;
        await page.GotoAsync("/login");
        await page.GetByLabel("Operator code", new() { Exact = true }).FillAsync(operatorCode);
        await page.GetByLabel("Login", new() { Exact = true }).FillAsync(login);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await session.ScreenshotAsync(step);
        await page.GetByRole(AriaRole.Button, Named("Log in")).ClickAsync();
    }

    public static async Task ExpectSignedInAsync(BrowserSession session, string step)
    {
        await Expect(session.Page.GetByRole(AriaRole.Button, Named("Log out"))).ToBeVisibleAsync();
        await session.ScreenshotAsync(step);
    }

    /// <summary>Signed in: Profile → tick "Use two factor authentication" → Update; returns the link from the mail.</summary>
    public static async Task<string> TurnOnTwoFactorAsync(BrowserSession session, TwofoldFactory app, string email)
    {
        var page = session.Page;
        var mailsBefore = app.Smtp.Messages.Count;
        await page.GetByRole(AriaRole.Link, Named("Profile")).ClickAsync();
        await page.GetByLabel("Use two factor authentication", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, Named("Update")).ClickAsync();
        await Expect(page.GetByText("A pairing link has been sent", new() { Exact = false })).ToBeVisibleAsync();
        await session.ScreenshotAsync("profile-two-factor-turned-on");
        return await PairingLinkAsync(app, email, mailsBefore);
    }

    /// <summary>The newest pairing mail to <paramref name="email"/> received by the SMTP sink after <paramref name="afterCount"/> mails.</summary>
    public static async Task<string> PairingLinkAsync(TwofoldFactory app, string email, int afterCount)
    {
        MimeMessage mail = await app.Smtp.WaitForMessageAsync(m =>
            app.Smtp.Messages.ToList().IndexOf(m) >= afterCount && SmtpSink.IsTo(m, email) && UserStories.PairingLinkOf(m) is not null);
        return UserStories.PairingLinkOf(mail)!;
    }

    /// <summary>
    /// Link → password gate → QR screenshot decoded by zbarimg → code from oathtool → "Your mobile device is paired".
    /// Pairs with the previous step's code (the window accepts it), so the current step is still unused for the next sign-in.
    /// Returns the base32 secret read from the QR code.
    /// </summary>
    public static async Task<string> PairAsync(BrowserSession session, string link, string operatorCode, string login, string issuer = "Twofold")
    {
        var page = session.Page;
        await page.GotoAsync(link);
        await Expect(page.GetByLabel("Operator code", new() { Exact = true })).ToHaveValueAsync(operatorCode);
        await Expect(page.GetByLabel("Login", new() { Exact = true })).ToHaveValueAsync(login);
        await session.ScreenshotAsync("pairing-password-gate");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, Named("Continue")).ClickAsync();

        var qr = page.GetByAltText("QR code", new() { Exact = false });
        await Expect(qr).ToBeVisibleAsync();
        await session.ScreenshotAsync("pairing-qr-page");
        var uriText = await Zbar.DecodeAsync(await session.ScreenshotOfAsync(qr, "qr-code-as-scanned"));

        // The Key URI Format Google Authenticator reads: label "Issuer:OPERATOR%2Flogin", SHA1, 6 digits, 30 s.
        Assert.StartsWith($"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString($"{operatorCode}/{login}")}?", uriText, StringComparison.Ordinal);
        var query = HttpUtility.ParseQueryString(new Uri(uriText).Query);
        var secret = query["secret"] ?? throw new InvalidOperationException($"No secret in {uriText}");
        Assert.Matches("^[A-Z2-7]{32}$", secret); // 160 bits, unpadded base32
        Assert.Equal(issuer, query["issuer"]);
        Assert.Equal("SHA1", query["algorithm"]);
        Assert.Equal("6", query["digits"]);
        Assert.Equal("30", query["period"]);

        // The same secret for typing by hand, and the same URI behind "Open in authenticator app".
        var shown = await page.GetByLabel("Secret key").InnerTextAsync();
        Assert.Equal(secret, shown.Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.Equal(uriText, await page.GetByRole(AriaRole.Link, Named("Open in authenticator app")).GetAttributeAsync("href"));

        var now = await RealClock.SafeMomentAsync();
        var code = await Oathtool.CodeAsync(secret, now.AddSeconds(-30));
        await page.GetByLabel("Authentication code", new() { Exact = true }).FillAsync(code);
        await page.GetByRole(AriaRole.Button, Named("Pair device")).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, Named("Your mobile device is paired"))).ToBeVisibleAsync();
        await session.ScreenshotAsync("paired");
        return secret;
    }

    /// <summary>
    /// After the password: the &lt;dialog&gt; "Two-factor authentication" with focus in its code field;
    /// with JavaScript a centred modal pop-up, without it an open dialog in the page (a plain form).
    /// </summary>
    public static async Task<ILocator> ExpectCodeDialogAsync(BrowserSession session, string step, bool modal = true)
    {
        var dialog = session.Page.GetByRole(AriaRole.Dialog, new() { Name = "Two-factor authentication", Exact = true });
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByLabel("Authentication code", new() { Exact = true })).ToBeFocusedAsync();
        if (modal)
        {
            // site.js turns the server-rendered open dialog into a real modal one (showModal) and focuses the field.
            Assert.True(await dialog.EvaluateAsync<bool>("d => d.open && d.matches(':modal')"), "The dialog is not modal.");
            var box = await dialog.BoundingBoxAsync() ?? throw new InvalidOperationException("The dialog has no box.");
            var viewport = session.Page.ViewportSize!;
            Assert.InRange(box.Y + (box.Height / 2), (viewport.Height / 2) - 2, (viewport.Height / 2) + 2); // centred as a pop-up
        }

        await session.ScreenshotAsync(step);
        return dialog;
    }

    /// <summary>Types the code the phone shows now (oathtool) into the dialog and confirms.</summary>
    public static async Task EnterCurrentCodeAsync(ILocator dialog, string secret)
    {
        var now = await RealClock.SafeMomentAsync();
        await dialog.GetByLabel("Authentication code", new() { Exact = true }).FillAsync(await Oathtool.CodeAsync(secret, now));
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm", Exact = true }).ClickAsync();
    }
}
