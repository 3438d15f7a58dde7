using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Twofold.BrowserTests.Infrastructure;
using Twofold.Data;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static Twofold.BrowserTests.Infrastructure.BrowserSteps;

namespace Twofold.BrowserTests.Stories;

/// <summary>
/// The seed's story in Debian's Chromium: profile checkbox → email over real SMTP → pairing page →
/// QR read by zbarimg from a screenshot → code from oathtool → sign-in through the pop-up dialog.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class PairAndSignInTests(BrowserFixture fixture, ITestOutputHelper output)
{
    [ToolFact(OutsideTools.Chromium, OutsideTools.Zbarimg, OutsideTools.Oathtool)]
    public async Task Story_TurnOnPairWithQrAndSignInThroughDialog()
    {
        var app = fixture.App;
        var op = await app.CreateOperatorAsync();
        const string Login = "jdoe";
        var email = $"jdoe@{op.ToLowerInvariant()}.test";
        var user = await app.CreateUserAsync(op, Login, email);
        await using var session = await fixture.NewSessionAsync(nameof(Story_TurnOnPairWithQrAndSignInThroughDialog), output);
        var page = session.Page;

        // Password only: two-factor is off.
        await SubmitPasswordAsync(session, op, Login, "login");
        await ExpectSignedInAsync(session, "signed-in-with-password");

        // Profile: tick the box, Update → the pairing mail reaches the SMTP server.
        var link = await TurnOnTwoFactorAsync(session, app, email);
        Assert.StartsWith(app.BaseAddress + "pair", link, StringComparison.Ordinal);

        var secret = await PairAsync(session, link, op, Login);
        var paired = await app.WithDbAsync(db => db.Authenticators.CountAsync(a => a.UserId == user.Id && a.Status == AuthenticatorStatus.Paired));
        Assert.Equal(1, paired);

        // Log out, log in again: now the code dialog.
        await page.GotoAsync("/profile");
        await Expect(page.GetByText("Paired", new() { Exact = true })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, Named("Log out")).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, Named("Log in"))).ToBeVisibleAsync();
        await SubmitPasswordAsync(session, op, Login, "login-again");
        var dialog = await ExpectCodeDialogAsync(session, "code-dialog");
        Assert.False(await page.GetByRole(AriaRole.Button, Named("Log out")).IsVisibleAsync(), "A session exists before the code.");

        // A wrong code: refused, the field is emptied for the next try, focus stays in the dialog.
        var wrong = await WrongCodeAsync(secret);
        await dialog.GetByLabel("Authentication code", new() { Exact = true }).FillAsync(wrong);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm", Exact = true }).ClickAsync();
        dialog = await ExpectCodeDialogAsync(session, "wrong-code-refused");
        await Expect(dialog.GetByText("That code is not correct", new() { Exact = false })).ToBeVisibleAsync();
        await Expect(dialog.GetByLabel("Authentication code", new() { Exact = true })).ToHaveValueAsync(string.Empty);

        // The code the phone shows now (a later step than the pairing code): signed in.
        await EnterCurrentCodeAsync(dialog, secret);
        await ExpectSignedInAsync(session, "signed-in-with-code");

        // Our pages run under a CSP without inline script: any violation would be a console error.
        Assert.True(session.ConsoleErrors.Count == 0, string.Join(Environment.NewLine, session.ConsoleErrors));
    }

    [ToolFact(OutsideTools.Chromium, OutsideTools.Zbarimg, OutsideTools.Oathtool)]
    public async Task WithoutJavaScript_PairAndSignIn_DialogIsAPlainForm()
    {
        var app = fixture.App;
        var op = await app.CreateOperatorAsync();
        const string Login = "nojs";
        var email = $"nojs@{op.ToLowerInvariant()}.test";
        await app.CreateUserAsync(op, Login, email);
        await using var session = await fixture.NewSessionAsync(nameof(WithoutJavaScript_PairAndSignIn_DialogIsAPlainForm), output, javaScript: false);

        await SubmitPasswordAsync(session, op, Login, "login");
        await ExpectSignedInAsync(session, "signed-in-with-password");
        var link = await TurnOnTwoFactorAsync(session, app, email);
        var secret = await PairAsync(session, link, op, Login);

        await session.Page.GetByRole(AriaRole.Button, Named("Log out")).ClickAsync();
        await SubmitPasswordAsync(session, op, Login, "login-again");
        var dialog = await ExpectCodeDialogAsync(session, "code-form-without-javascript", modal: false);
        Assert.False(await dialog.EvaluateAsync<bool>("d => d.matches(':modal')"), "Without JavaScript nothing can make the dialog modal.");
        await EnterCurrentCodeAsync(dialog, secret);
        await ExpectSignedInAsync(session, "signed-in-with-code");
    }

    /// <summary>Six digits that are none of the codes the window could accept around now.</summary>
    private static async Task<string> WrongCodeAsync(string secret)
    {
        var now = await RealClock.SafeMomentAsync();
        var valid = new HashSet<string>(StringComparer.Ordinal);
        foreach (var offset in new[] { -60, -30, 0, 30 })
        {
            valid.Add(await Oathtool.CodeAsync(secret, now.AddSeconds(offset)));
        }

        var candidate = int.Parse(await Oathtool.CodeAsync(secret, now), CultureInfo.InvariantCulture);
        string wrong;
        do
        {
            candidate = (candidate + 1) % 1_000_000;
            wrong = candidate.ToString("D6", CultureInfo.InvariantCulture);
        }
        while (valid.Contains(wrong));

        return wrong;
    }
}
