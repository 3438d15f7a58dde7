using Microsoft.Playwright;
using Twofold.BrowserTests.Infrastructure;
using Twofold.Login;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static Twofold.BrowserTests.Infrastructure.BrowserSteps;

namespace Twofold.BrowserTests.Stories;

/// <summary>
/// The administrator's Settings > General Settings > "Force two factor authentication for all users"
/// in Chromium, and what it does to another user of the operator.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ForceTwoFactorTests(BrowserFixture fixture, ITestOutputHelper output)
{
    [ToolFact(OutsideTools.Chromium, OutsideTools.Zbarimg, OutsideTools.Oathtool)]
    public async Task Story_AdministratorForcesTwoFactor_OtherUserMustPairBeforeSigningIn()
    {
        var app = fixture.App;
        var op = await app.CreateOperatorAsync();
        await app.CreateUserAsync(op, "admin", admin: true);
        await using var admin = await fixture.NewSessionAsync(nameof(Story_AdministratorForcesTwoFactor_OtherUserMustPairBeforeSigningIn) + "-admin", output);
        var page = admin.Page;

        await SubmitPasswordAsync(admin, op, "admin", "admin-login");
        await ExpectSignedInAsync(admin, "admin-signed-in");

        // The administrator creates the other user on /users.
        const string Login = "crew";
        var email = $"crew@{op.ToLowerInvariant()}.test";
        await page.GetByRole(AriaRole.Link, Named("Users")).ClickAsync();
        await page.GetByLabel("Login", new() { Exact = true }).FillAsync(Login);
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Initial password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, Named("Create user")).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = email, Exact = true })).ToBeVisibleAsync();
        await admin.ScreenshotAsync("user-created");

        // Settings > General Settings: tick, Save; the unpaired administrator is warned and confirms.
        var mailsBefore = app.Smtp.Messages.Count;
        await page.GetByRole(AriaRole.Link, Named("Settings")).ClickAsync();
        await Expect(page.GetByText("Settings > General Settings", new() { Exact = true })).ToBeVisibleAsync();
        var force = page.GetByLabel("Force two factor authentication for all users", new() { Exact = true });
        await Expect(force).Not.ToBeCheckedAsync();
        await force.CheckAsync();
        await admin.ScreenshotAsync("force-ticked");
        await page.GetByRole(AriaRole.Button, Named("Save")).ClickAsync();
        await Expect(page.GetByText("You have no paired mobile device.", new() { Exact = true })).ToBeVisibleAsync();
        await admin.ScreenshotAsync("admin-warned");
        await Expect(force).ToBeCheckedAsync();
        await page.GetByRole(AriaRole.Button, Named("Save")).ClickAsync();
        // Two status lines now: the saved message and the progress of the pairing-link fan-out.
        await Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Two-factor authentication is now required for all users");
        await Expect(page.Locator("#force-progress")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("[Pp]airing links"));
        await Expect(force).ToBeCheckedAsync();
        await admin.ScreenshotAsync("force-saved");

        // On Save the other user was mailed a pairing link.
        var link = await PairingLinkAsync(app, email, mailsBefore);

        // The other user: the password alone gives no session, only the notice that a link was sent.
        await using var crew = await fixture.NewSessionAsync(nameof(Story_AdministratorForcesTwoFactor_OtherUserMustPairBeforeSigningIn) + "-crew", output);
        await SubmitPasswordAsync(crew, op, Login, "crew-login");
        await Expect(crew.Page.GetByText("A pairing link has been sent to your email address", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(crew.Page.GetByRole(AriaRole.Status)).ToContainTextAsync(EmailMask.Mask(email));
        Assert.False(await crew.Page.GetByRole(AriaRole.Button, Named("Log out")).IsVisibleAsync(), "A session exists without a paired device.");
        await crew.ScreenshotAsync("crew-told-to-pair");

        // ... pairs from the mail and signs in with a code; the profile box is ticked and locked.
        var secret = await PairAsync(crew, link, op, Login);
        await crew.Page.GetByRole(AriaRole.Link, Named("Log in")).ClickAsync();
        await SubmitPasswordAsync(crew, op, Login, "crew-login-again");
        await ExpectCodeDialogAsync(crew, "crew-code-dialog");

        // Keyboard: Escape cancels the dialog back to the login form; the password opens it again.
        await crew.Page.Keyboard.PressAsync("Escape");
        await Expect(crew.Page.GetByRole(AriaRole.Button, Named("Log in"))).ToBeVisibleAsync();
        await Expect(crew.Page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await SubmitPasswordAsync(crew, op, Login, "crew-login-after-escape");
        var dialog = await ExpectCodeDialogAsync(crew, "crew-code-dialog-again");
        await EnterCurrentCodeAsync(dialog, secret);
        await ExpectSignedInAsync(crew, "crew-signed-in");
        await crew.Page.GetByRole(AriaRole.Link, Named("Profile")).ClickAsync();
        var box = crew.Page.GetByLabel("Use two factor authentication", new() { Exact = true });
        await Expect(box).ToBeCheckedAsync();
        await Expect(box).ToBeDisabledAsync();
        await crew.ScreenshotAsync("crew-profile-forced");

        Assert.True(admin.ConsoleErrors.Count == 0, string.Join(Environment.NewLine, admin.ConsoleErrors));
        Assert.True(crew.ConsoleErrors.Count == 0, string.Join(Environment.NewLine, crew.ConsoleErrors));
    }
}
