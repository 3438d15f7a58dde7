using System.Text.RegularExpressions;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Stories;

/// <summary>
/// The CSP allows neither inline script nor inline style, so the markup must not need them: a browser
/// would block them and report a violation (the Chromium tests watch the console; this runs everywhere).
/// </summary>
public sealed partial class CspMarkupTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private readonly UserStories stories = new(factory);

    [Fact]
    public async Task Pages_HaveNoInlineStyleOrScript()
    {
        var admin = await stories.NewUserAsync(admin: true);
        var anonymous = stories.NewBrowser();
        var pages = new List<WebPage> { await anonymous.GetAsync("/login") };
        pages.Add(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), admin, "wrong password!")); // with an error summary

        var browser = await stories.SignInAsync(admin);
        foreach (var url in new[] { "/", "/profile", "/users", "/settings/general" })
        {
            pages.Add(await browser.GetAsync(url));
        }

        foreach (var page in pages)
        {
            Assert.DoesNotMatch(StyleAttribute(), page.Html);
            Assert.DoesNotMatch(InlineScript(), page.Html);
            Assert.DoesNotContain("<style", page.Html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [GeneratedRegex(@"<[^>]+\sstyle\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttribute();

    [GeneratedRegex(@"<script(?![^>]*\ssrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
