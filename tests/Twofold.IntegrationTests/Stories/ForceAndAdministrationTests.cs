using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Twofold.Data;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Stories;

/// <summary>Settings &gt; General Settings, /users and the not-yet-paired path.</summary>
public sealed class ForceAndAdministrationTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private readonly UserStories stories = new(factory);

    [Fact]
    public async Task ForceForAll_MailsUnpairedUsers_BlocksSessionsUntilPaired_OtherOperatorsUnaffected()
    {
        var admin = await stories.NewUserAsync(admin: true);
        var alice = await stories.NewUserAsync(admin.OperatorCode);
        var outsider = await stories.NewUserAsync(); // another operator
        var adminBrowser = await stories.SignInAsync(admin);

        // Administrators see Users and Settings; the box is unticked by default.
        var home = await adminBrowser.GetAsync("/");
        Assert.True(home.HasLink("Users") && home.HasLink("Settings"));
        var settings = await adminBrowser.GetAsync("/settings/general");
        Assert.False(settings.Form("Save").InputOf("Force two factor authentication for all users").IsChecked);

        // The admin has no paired device: warned first, saved only on the second Save.
        var warned = await settings.Form("Save").Check("Force two factor authentication for all users").SubmitAsync();
        Assert.Contains("You have no paired mobile device", warned.Text, StringComparison.Ordinal);
        Assert.False(await IsForcedAsync(admin.OperatorCode));
        var before = factory.Smtp.Messages.Count;
        var saved = await warned.Form("Save").Check("Force two factor authentication for all users").SubmitAsync();
        Assert.Contains("Saved", saved.Text, StringComparison.Ordinal);
        Assert.True(await IsForcedAsync(admin.OperatorCode));

        var aliceMail = await stories.PairingMailAsync(alice, before);
        Assert.Contains("requires two-factor authentication", aliceMail.TextBody, StringComparison.Ordinal);
        await stories.PairingMailAsync(admin, before);
        Assert.DoesNotContain(factory.Smtp.Messages.Skip(before), m => m.To.Mailboxes.Any(b => b.Address == outsider.Email));

        // Alice: correct password, no session, masked address; the outsider signs in as before.
        var blocked = await UserStories.SubmitPasswordAsync(stories.NewBrowser(), alice);
        Assert.Contains("A pairing link has been sent to your email address", blocked.Text, StringComparison.Ordinal);
        Assert.Contains($"{alice.Email[0]}***@{alice.Email.Split('@')[1]}", blocked.Text, StringComparison.Ordinal);
        Assert.False(blocked.HasButton("Log out"));
        await stories.SignInAsync(outsider);

        // Her profile box shows ticked and disabled once she is in.
        await stories.PairAsync(alice, aliceMail);
        stories.NextStep();
        var aliceBrowser = await stories.SignInAsync(alice);
        var profile = await aliceBrowser.GetAsync("/profile");
        var box = profile.Form("Update").InputOf("Use two factor authentication");
        Assert.True(box.IsChecked && box.IsDisabled);
        Assert.Contains("Your operator requires two-factor authentication", profile.Text, StringComparison.Ordinal);

        // Unticking returns everyone to their own choice: Alice never chose it, so password only.
        var untick = await (await adminBrowser.GetAsync("/settings/general")).Form("Save").Check("Force two factor authentication for all users", false).SubmitAsync();
        Assert.Contains("Saved", untick.Text, StringComparison.Ordinal);
        Assert.False(await IsForcedAsync(admin.OperatorCode));
        var plain = await UserStories.SubmitPasswordAsync(stories.NewBrowser(), alice);
        Assert.True(plain.HasButton("Log out"));
    }

    [Fact]
    public async Task NotYetPaired_NoSession_FreshMailAtMostEveryFiveMinutes_NewestLinkVoidsOlder()
    {
        var user = await stories.NewUserAsync();
        var firstMail = await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(user), user);

        var before = factory.Smtp.Messages.Count;
        factory.Time.Advance(TimeSpan.FromMinutes(5));
        var page = await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user);
        Assert.Contains("A pairing link has been sent to your email address", page.Text, StringComparison.Ordinal);
        Assert.False(page.HasButton("Log out"));
        var secondMail = await stories.PairingMailAsync(user, before);

        // Within five minutes: the same answer, but no new mail.
        var count = factory.Smtp.Messages.Count;
        await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user);
        await Task.Delay(500);
        Assert.Equal(count, factory.Smtp.Messages.Count);

        // The first link is void now; the second works.
        var old = await stories.NewBrowser().GetAsync(UserStories.PairingLinkOf(firstMail)!);
        Assert.Equal(HttpStatusCode.Gone, old.Status);
        Assert.Contains("A newer pairing link has been sent", old.Text, StringComparison.Ordinal);
        await stories.PairAsync(user, secondMail);
    }

    [Fact]
    public async Task AdminReset_RemovesDevice_MailsNewLink_OldCodesFail()
    {
        var admin = await stories.NewUserAsync(admin: true);
        var user = await stories.NewUserAsync(admin.OperatorCode);
        await stories.TurnOnAndPairAsync(user);
        var oldSecret = user.Secret;

        var adminBrowser = await stories.SignInAsync(admin);
        var users = await adminBrowser.GetAsync("/users");
        Assert.Contains("Paired", RowOf(users, user.Login), StringComparison.Ordinal);
        var before = factory.Smtp.Messages.Count;
        var reset = await users.Form("Reset two-factor").SubmitAsync();
        Assert.Contains("was reset", reset.Text, StringComparison.Ordinal);
        Assert.Contains("Waiting for pairing", RowOf(reset, user.Login), StringComparison.Ordinal);
        var mail = await stories.PairingMailAsync(user, before);

        stories.NextStep();
        var page = await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user);
        Assert.Contains("A pairing link has been sent", page.Text, StringComparison.Ordinal);
        await stories.PairAsync(user, mail);
        Assert.NotEqual(oldSecret, user.Secret);
    }

    [Fact]
    public async Task Users_CreateUser_ListsStatus_AndValidatesInput()
    {
        var admin = await stories.NewUserAsync(admin: true);
        var browser = await stories.SignInAsync(admin);
        var page = await browser.GetAsync("/users");
        var created = await page.Form("Create user")
            .Fill("Login", "newbie").Fill("Email", "newbie@example.test").Fill("Initial password", "initial password 1")
            .SubmitAsync();
        Assert.True(created.Text.Contains("User newbie created", StringComparison.Ordinal), System.Text.RegularExpressions.Regex.Replace(created.Text, @"\s+", " "));
        Assert.Contains("Off", RowOf(created, "newbie"), StringComparison.Ordinal);
        await stories.SignInAsync(new TestUser(admin.OperatorCode, "NEWBIE", "newbie@example.test", "initial password 1"));

        var bad = await created.Form("Create user")
            .Fill("Login", "bad/login").Fill("Email", "not-an-email").Fill("Initial password", "initial password 1")
            .SubmitAsync();
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("Login: 1-64 characters", bad.Text, StringComparison.Ordinal);
        Assert.Contains("Email: a single valid address", bad.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherOperatorsAdmin_CannotSeeOrResetUsers_NonAdminsGet403()
    {
        var victim = await stories.NewUserAsync(admin: true);
        await stories.PairAsync(victim, await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(victim), victim));
        var otherAdmin = await stories.NewUserAsync(admin: true);
        var plainUser = await stories.NewUserAsync();
        var victimId = await UserIdAsync(victim);

        var browser = await stories.SignInAsync(otherAdmin);
        var list = await browser.GetAsync("/users");
        Assert.DoesNotContain(victim.Login, list.Text, StringComparison.Ordinal);
        var form = list.Form("Create user");
        var token = form.Element.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var response = await browser.Client.PostAsync("/users?handler=Reset", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["userId"] = victimId.ToString(),
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TwofoldDbContext>();
            Assert.True(await db.Authenticators.AnyAsync(a => a.UserId == victimId && a.Status == AuthenticatorStatus.Paired));
        }

        var plain = await stories.SignInAsync(plainUser);
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.GetAsync("/users")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.GetAsync("/settings/general")).Status);
        Assert.False((await plain.GetAsync("/")).HasLink("Users"));
    }

    private async Task<bool> IsForcedAsync(string operatorCode)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TwofoldDbContext>();
        return await db.Operators.Where(o => o.NormalizedCode == Data.Operator.Normalize(operatorCode)).Select(o => o.ForceTwoFactor).SingleAsync();
    }

    private async Task<Guid> UserIdAsync(TestUser user)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TwofoldDbContext>();
        return await db.Users.Where(u => u.UserName == TwofoldUser.ComposeUserName(user.OperatorCode, user.Login)).Select(u => u.Id).SingleAsync();
    }

    private static string RowOf(WebPage page, string login) =>
        page.Document.QuerySelectorAll("table.users tbody tr").Single(r => r.QuerySelector("td")!.TextContent.Trim() == login).TextContent;
}
