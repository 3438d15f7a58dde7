using System.Net;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.Recovery;

namespace Twofold.IntegrationTests.Recovery;

/// <summary>The compliance list of a large operator: every unpaired user on exactly one page, paired ones on none, Resend keeps the page.</summary>
public sealed class CompliancePagingTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private readonly UserStories stories = new(factory);

    [Fact]
    public async Task ComplianceList_PagesThroughEveryUnpairedUserOnce_PairedOnNone_ResendKeepsThePage()
    {
        var op = await factory.CreateOperatorAsync();
        var admin = await stories.NewUserAsync(op, admin: true, login: "zz-admin");
        var unpaired = new List<string> { admin.Login };
        for (var i = 0; i < 2 * Compliance.PageSize + 4; i++)
        {
            unpaired.Add((await stories.NewUserAsync(op, login: $"u{i:D3}")).Login);
        }

        // Paired users sort between unpaired ones, right at the page boundaries.
        var paired = new List<string>();
        foreach (var pairedLogin in new[] { "u000a", "u049a", "u050a", "u099a" })
        {
            var user = await stories.NewUserAsync(op, login: pairedLogin);
            await stories.TurnOnAndPairAsync(user);
            stories.NextStep();
            paired.Add(pairedLogin);
        }

        var adminBrowser = await stories.SignInAsync(admin);
        var first = await RecoveryStories.SaveSettingsAsync(adminBrowser, force: true);
        Assert.Contains($"{paired.Count} of {paired.Count + unpaired.Count}", first.Document.GetElementById("compliance-count")!.TextContent, StringComparison.Ordinal);
        Assert.Contains($"Not paired yet ({unpaired.Count})", first.Document.QuerySelector("table.users caption")!.TextContent, StringComparison.Ordinal);

        // Forwards with Next: 50, 50, 5 rows; no Previous on the first page, no Next on the last.
        var forwards = new List<IReadOnlyList<string>>();
        WebPage? page = await adminBrowser.GetAsync("/settings/general");
        Assert.Null(LinkOf(page, "Previous"));
        WebPage last = page;
        while (page is not null)
        {
            Assert.Equal(HttpStatusCode.OK, page.Status);
            forwards.Add(LoginsOn(page));
            last = page;
            page = LinkOf(page, "Next") is { } next ? await adminBrowser.GetAsync(next) : null;
        }

        Assert.Equal([Compliance.PageSize, Compliance.PageSize, unpaired.Count - 2 * Compliance.PageSize], forwards.Select(p => p.Count));
        var listed = forwards.SelectMany(p => p).ToList();
        Assert.Equal(unpaired.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal)); // each exactly once
        Assert.Empty(listed.Intersect(paired));
        Assert.Equal(listed.OrderBy(l => l.ToUpperInvariant(), StringComparer.Ordinal), listed); // by login across pages

        // Backwards with Previous from the last page: the same pages.
        var backwards = new List<IReadOnlyList<string>>();
        page = last;
        while (LinkOf(page!, "Previous") is { } previous)
        {
            page = await adminBrowser.GetAsync(previous);
            backwards.Insert(0, LoginsOn(page));
        }

        Assert.Equal(forwards.SkipLast(1), backwards);
        Assert.Null(LinkOf(page!, "Previous"));

        // Resend from the middle page: the link goes out and the same page is shown again.
        var middle = await adminBrowser.GetAsync(LinkOf(first, "Next")!);
        var target = middle.Document.QuerySelectorAll("table.users tbody tr").Skip(7).First();
        var login = target.QuerySelector("td")!.TextContent.Trim();
        var before = factory.Smtp.Messages.Count;
        var resent = await new FormFiller(middle, (AngleSharp.Html.Dom.IHtmlFormElement)target.QuerySelector("form")!).SubmitAsync();
        Assert.Equal(HttpStatusCode.OK, resent.Status);
        Assert.Contains("A new pairing link has been sent", resent.Text, StringComparison.Ordinal);
        Assert.Equal(forwards[1], LoginsOn(resent));
        Assert.NotNull(LinkOf(resent, "Previous"));
        Assert.NotNull(LinkOf(resent, "Next"));
        await stories.PairingMailAsync(new TestUser(op, login, $"{login}@{op.ToLowerInvariant()}.test", UserStories.DefaultPassword), before);

        // Cursors typed by hand are only compared with, never trusted: script, SQL, an overlong one (ignored: page 1).
        const string Script = "<script>alert(1)</script>";
        foreach (var odd in new[] { Script, "' OR '1'='1'; DROP TABLE AspNetUsers; --", new string('Z', 5000) })
        {
            var shown = await adminBrowser.GetAsync($"/settings/general?after={Uri.EscapeDataString(odd)}&before={Uri.EscapeDataString(odd)}");
            Assert.Equal(HttpStatusCode.OK, shown.Status);
            Assert.DoesNotContain(Script, shown.Html, StringComparison.Ordinal);
            Assert.Equal(forwards[0], LoginsOn(shown)); // each sorts before every login of the operator, or is ignored
        }
    }

    private static List<string> LoginsOn(WebPage page) =>
        page.Document.QuerySelectorAll("table.users tbody tr").Select(r => r.QuerySelector("td")!.TextContent.Trim()).ToList();

    private static string? LinkOf(WebPage page, string text) =>
        page.Document.QuerySelectorAll("nav.pager a").FirstOrDefault(a => a.TextContent.Trim() == text)?.GetAttribute("href");
}
