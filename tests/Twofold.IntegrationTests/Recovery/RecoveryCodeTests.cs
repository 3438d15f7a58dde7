using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Recovery;

/// <summary>Recovery codes: shown once at pairing, single use, counted down, regenerated (voiding the old set).</summary>
public sealed class RecoveryCodeTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private readonly UserStories stories = new(factory);
    private RecoveryStories Recovery => new(factory, stories);

    [Fact]
    public async Task Pairing_ShowsTenCodesOnce_StoredOnlyHashed_DownloadAndPrint()
    {
        var user = await stories.NewUserAsync();
        var mail = await stories.TurnOnTwoFactorAsync(await stories.SignInAsync(user), user);
        var qr = await stories.OpenQrAsync(user, mail);
        user.Secret = UserStories.SecretFromQr(qr);
        var done = await qr.Form("Pair device").Fill("Authentication code", stories.CodeNow(user)).SubmitAsync();

        var codes = RecoveryStories.CodesOn(done);
        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}-[a-km-np-z2-9]{2}$", c));
        Assert.Contains("no-store", done.CacheControl, StringComparison.Ordinal);

        var download = done.Document.QuerySelectorAll("a").Single(a => a.TextContent.Trim() == "Download (.txt)");
        Assert.Equal("twofold-recovery-codes.txt", download.GetAttribute("download"));
        var href = download.GetAttribute("href")!;
        Assert.StartsWith("data:text/plain;charset=utf-8,", href, StringComparison.Ordinal);
        var text = Uri.UnescapeDataString(href["data:text/plain;charset=utf-8,".Length..]);
        Assert.All(codes, c => Assert.Contains(c, text, StringComparison.Ordinal));
        var print = done.Document.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Print");
        Assert.True(print.HasAttribute("data-print"));
        Assert.DoesNotContain("onclick", done.Html, StringComparison.OrdinalIgnoreCase);

        // Stored: ten salted hashes, no code text anywhere in the rows.
        var userId = await Recovery.UserIdAsync(user);
        var rows = await factory.WithDbAsync(db => db.RecoveryCodes.Where(c => c.UserId == userId).ToListAsync());
        Assert.Equal(10, rows.Count);
        Assert.Equal(10, rows.Select(r => Convert.ToBase64String(r.Salt)).Distinct().Count());
        foreach (var code in codes)
        {
            var bytes = Encoding.ASCII.GetBytes(code.Replace("-", "", StringComparison.Ordinal));
            Assert.DoesNotContain(rows, r => r.Hash.AsSpan().IndexOf(bytes) >= 0 || r.Salt.AsSpan().IndexOf(bytes) >= 0);
        }

        // Shown once: the "paired" link cannot be replayed to see them again.
        var again = await stories.NewBrowser().GetAsync(UserStories.PairingLinkOf(mail)!);
        Assert.Equal(HttpStatusCode.Gone, again.Status);
        Assert.Empty(RecoveryStories.CodesOn(again));
    }

    [Fact]
    public async Task RecoveryCode_SignsInOnce_ShowsRemaining_WrongCodesCountTowardsLockout()
    {
        var (user, codes) = await Recovery.PairedUserAsync();

        var signedIn = await Recovery.SignInWithRecoveryCodeAsync(user, codes[0]);
        Assert.Equal(HttpStatusCode.OK, signedIn.Status);
        Assert.Contains("You have 9 recovery code(s) left", RecoveryStories.Squash(signedIn), StringComparison.Ordinal);
        Assert.True(signedIn.HasButton("Log out"));
        Assert.Equal(HttpStatusCode.OK, (await signedIn.Browser.Client.GetAsync("/profile")).StatusCode);

        // The same code again: refused, no session.
        var reused = await Recovery.SignInWithRecoveryCodeAsync(user, codes[0]);
        Assert.Equal(HttpStatusCode.Unauthorized, reused.Status);
        Assert.Contains("not correct or has already been used", reused.Text, StringComparison.Ordinal);
        Assert.False(reused.HasButton("Log out"));

        // Case, spaces and dashes do not matter.
        var typed = await Recovery.SignInWithRecoveryCodeAsync(user, codes[1].Replace("-", " ", StringComparison.Ordinal).ToUpperInvariant());
        Assert.Contains("You have 8 recovery code(s) left", RecoveryStories.Squash(typed), StringComparison.Ordinal);

        // Malformed input: a clear 400, no 500.
        var malformed = await (await RecoveryStories.OpenRecoveryPageAsync(stories.NewBrowser(), user)).Form("Sign in").Fill("Recovery code", "123456").SubmitAsync();
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.Contains("Enter a recovery code like abcd-efgh-jk", malformed.Text, StringComparison.Ordinal);

        // Without a verified password there is no recovery page.
        var direct = await stories.NewBrowser().GetAsync("/login/recovery-code");
        Assert.EndsWith("/login?expired=true", direct.Url, StringComparison.OrdinalIgnoreCase);

        // Wrong recovery codes share the code lockout (5).
        var browser = stories.NewBrowser();
        WebPage last = null!;
        for (var i = 0; i < 5; i++)
        {
            var page = await RecoveryStories.OpenRecoveryPageAsync(browser, user);
            last = await page.Form("Sign in").Fill("Recovery code", "zzzz-zzzz-zz").SubmitAsync();
        }

        Assert.Equal((HttpStatusCode)423, last.Status);
        Assert.Contains("temporarily locked", last.Text, StringComparison.Ordinal);
        var userId = await Recovery.UserIdAsync(user);
        Assert.Equal(8, await factory.WithDbAsync(db => db.RecoveryCodes.CountAsync(c => c.UserId == userId && c.UsedAt == null)));
    }

    [Fact]
    public async Task Regenerate_NeedsCurrentCode_VoidsOldSet()
    {
        var (user, oldCodes) = await Recovery.PairedUserAsync();
        var browser = await stories.SignInAsync(user);
        stories.NextStep();

        var profile = await browser.GetAsync("/profile");
        Assert.True(profile.HasLink("Recovery codes") && profile.HasLink("Pair a new device"));
        var page = await browser.GetAsync("/profile/recovery-codes");
        Assert.Contains("You have 10 unused recovery code(s)", RecoveryStories.Squash(page), StringComparison.Ordinal);

        // A recovery code cannot mint new ones; a wrong code changes nothing.
        var refused = await page.Form("Create new recovery codes").Fill("Current authentication code", oldCodes[0]).SubmitAsync();
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Empty(RecoveryStories.CodesOn(refused));

        var regenerated = await refused.Form("Create new recovery codes").Fill("Current authentication code", stories.CodeNow(user)).SubmitAsync();
        Assert.Equal(HttpStatusCode.OK, regenerated.Status);
        Assert.Contains("no-store", regenerated.CacheControl, StringComparison.Ordinal);
        var newCodes = RecoveryStories.CodesOn(regenerated);
        Assert.Equal(10, newCodes.Count);
        Assert.Empty(newCodes.Intersect(oldCodes));
        // The audit row of this event: Audit/RecoveryAuditTests.

        var old = await Recovery.SignInWithRecoveryCodeAsync(user, oldCodes[1]);
        Assert.Equal(HttpStatusCode.Unauthorized, old.Status);
        var fresh = await Recovery.SignInWithRecoveryCodeAsync(user, newCodes[0]);
        Assert.Contains("You have 9 recovery code(s) left", RecoveryStories.Squash(fresh), StringComparison.Ordinal);
    }
}
