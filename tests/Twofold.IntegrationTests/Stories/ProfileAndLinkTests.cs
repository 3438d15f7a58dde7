using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Twofold.Data;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Stories;

/// <summary>Turning two-factor off, password change, the generic sign-in error, antiforgery and pairing-link states.</summary>
public sealed class ProfileAndLinkTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private readonly UserStories stories = new(factory);

    [Fact]
    public async Task TurningOff_NeedsPasswordOrCode()
    {
        var user = await stories.NewUserAsync();
        var browser = await stories.SignInAsync(user);
        await stories.PairAsync(user, await stories.TurnOnTwoFactorAsync(browser, user));

        // A session alone cannot remove the second factor.
        var refused = await (await browser.GetAsync("/profile")).Form("Update").Check("Use two factor authentication", false).SubmitAsync();
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("confirm with your password or a current authentication code", refused.Text, StringComparison.Ordinal);
        Assert.Contains("Paired", refused.Text, StringComparison.Ordinal);

        var wrong = await (await browser.GetAsync("/profile")).Form("Update")
            .Check("Use two factor authentication", false).Fill("Your password", "not my password").SubmitAsync();
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);

        // A current code works.
        stories.NextStep();
        var off = await (await browser.GetAsync("/profile")).Form("Update")
            .Check("Use two factor authentication", false).Fill("or a current authentication code", stories.CodeNow(user)).SubmitAsync();
        Assert.Contains("Two-factor authentication is off", off.Text, StringComparison.Ordinal);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TwofoldDbContext>();
        var stored = await db.Users.SingleAsync(u => u.Login == user.Login);
        Assert.False(stored.TwoFactorEnabled);
        Assert.False(await db.Authenticators.AnyAsync(a => a.UserId == stored.Id));

        // Password only from now on.
        Assert.True((await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user)).HasButton("Log out"));
    }

    [Fact]
    public async Task TurningOff_WithPassword_Works()
    {
        var user = await stories.NewUserAsync();
        var browser = await stories.SignInAsync(user);
        await stories.TurnOnTwoFactorAsync(browser, user);
        var off = await (await browser.GetAsync("/profile")).Form("Update")
            .Check("Use two factor authentication", false).Fill("Your password", user.Password).SubmitAsync();
        Assert.Contains("Two-factor authentication is off", off.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangePassword_ValidatesAndChanges()
    {
        var user = await stories.NewUserAsync();
        var browser = await stories.SignInAsync(user);
        var mismatch = await (await browser.GetAsync("/profile")).Form("Change password")
            .Fill("Current password", user.Password).Fill("New password", "new password 123").Fill("Confirm new password", "different 12345")
            .SubmitAsync();
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.Status);
        Assert.Contains("do not match", mismatch.Text, StringComparison.Ordinal);

        var changed = await (await browser.GetAsync("/profile")).Form("Change password")
            .Fill("Current password", user.Password).Fill("New password", "new password 123").Fill("Confirm new password", "new password 123")
            .SubmitAsync();
        Assert.Contains("Your password has been changed", changed.Text, StringComparison.Ordinal);
        Assert.True(changed.HasButton("Log out"), "the current session stays");
        await stories.SignInAsync(user with { Password = "new password 123" });
    }

    [Fact]
    public async Task WrongOperatorLoginOrPassword_GetTheSameGenericMessage()
    {
        var user = await stories.NewUserAsync();
        var pages = new[]
        {
            await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user with { OperatorCode = "NOPE" + user.OperatorCode }),
            await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user with { Login = "nobody" }),
            await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user, "wrong password"),
        };
        foreach (var page in pages)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
            Assert.Contains("The operator code, login or password is not correct.", page.Text, StringComparison.Ordinal);
        }

        // Case-insensitive operator code and login.
        await stories.SignInAsync(user with { OperatorCode = user.OperatorCode.ToLowerInvariant(), Login = user.Login.ToUpperInvariant() });
    }

    [Fact]
    public async Task SameLogin_InTwoOperators_AreDifferentPeople()
    {
        var a = await stories.NewUserAsync(login: "crew1");
        var b = await stories.NewUserAsync(login: "crew1");
        await stories.PairAsync(a, await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(a), a));
        Assert.True((await UserStories.SubmitPasswordAsync(stories.NewBrowser(), b)).HasButton("Log out"));
    }

    [Fact]
    public async Task FormPostWithoutAntiforgeryToken_IsRejected()
    {
        var user = await stories.NewUserAsync();
        var browser = stories.NewBrowser();
        await browser.GetAsync("/login");
        var response = await browser.Client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.OperatorCode"] = user.OperatorCode,
            ["Input.Login"] = user.Login,
            ["Input.Password"] = user.Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("Twofold.Session", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task PairingLink_GetChangesNothing_UsedAndExpiredLinksAreExplained()
    {
        var user = await stories.NewUserAsync();
        var mail = await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(user), user);
        var link = UserStories.PairingLinkOf(mail)!;

        // A mail scanner opening the link three times changes nothing.
        for (var i = 0; i < 3; i++)
        {
            var opened = await stories.NewBrowser().GetAsync(link);
            Assert.Equal(HttpStatusCode.OK, opened.Status);
            Assert.Contains("no-store", opened.CacheControl, StringComparison.Ordinal);
        }

        // Wrong password at the gate: generic message, no QR code.
        var gate = await stories.NewBrowser().GetAsync(link);
        var wrong = await gate.Form("Continue").Fill("Password", "wrong password").SubmitAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Empty(wrong.Document.QuerySelectorAll("img"));

        await stories.PairAsync(user, mail);
        var used = await stories.NewBrowser().GetAsync(link);
        Assert.Equal(HttpStatusCode.Gone, used.Status);
        Assert.Contains("already been used", used.Text, StringComparison.Ordinal);
        Assert.Contains("To get a new link", used.Text, StringComparison.Ordinal);

        var unknown = await stories.NewBrowser().GetAsync("/pair?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Contains("not valid", unknown.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PairingLink_ExpiresAfter24Hours()
    {
        var user = await stories.NewUserAsync();
        var mail = await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(user), user);
        factory.Time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        var expired = await stories.NewBrowser().GetAsync(UserStories.PairingLinkOf(mail)!);
        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        Assert.Contains("The link has expired", expired.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PairingToken_IsStoredOnlyAsHash()
    {
        var user = await stories.NewUserAsync();
        var mail = await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(user), user);
        var token = System.Web.HttpUtility.ParseQueryString(new Uri(UserStories.PairingLinkOf(mail)!).Query)["token"]!;
        Assert.True(token.Length >= 22, "at least 128 bits");
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TwofoldDbContext>();
        var hashes = await db.PairingTokens.Select(t => t.TokenHash).ToListAsync();
        Assert.Contains(hashes, h => h.SequenceEqual(System.Security.Cryptography.SHA256.HashData(System.Buffers.Text.Base64Url.DecodeFromChars(token))));
        Assert.DoesNotContain(hashes, h => System.Text.Encoding.ASCII.GetString(h).Contains(token, StringComparison.Ordinal));
    }
}
