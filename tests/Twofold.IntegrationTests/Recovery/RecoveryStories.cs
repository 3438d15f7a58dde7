using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Twofold.Data;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Recovery;

/// <summary>Steps shared by the recovery stories: a paired user with the codes shown at pairing, settings, look-ups.</summary>
internal sealed class RecoveryStories(TwofoldFactory factory, UserStories stories)
{
    public static IReadOnlyList<string> CodesOn(WebPage page) =>
        page.Document.QuerySelectorAll("ul.codes code").Select(c => c.TextContent.Trim()).ToList();

    /// <summary>A user who turned two-factor on and paired; returns the recovery codes shown once on the last page.</summary>
    public async Task<(TestUser User, IReadOnlyList<string> Codes)> PairedUserAsync(string? operatorCode = null, bool admin = false)
    {
        var user = await stories.NewUserAsync(operatorCode, admin);
        var done = await stories.TurnOnAndPairAsync(user);
        stories.NextStep();
        return (user, CodesOn(done));
    }

    /// <summary>As the operator's administrator: General Settings → fill → Save (twice when the page asks to confirm).</summary>
    public static async Task<WebPage> SaveSettingsAsync(Browser admin, bool? force = null, int? graceHours = null, int? rememberDays = null)
    {
        WebPage page = await admin.GetAsync("/settings/general");
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var form = page.Form("Save");
            if (force is { } f)
            {
                form.Check("Force two factor authentication for all users", f);
            }

            if (graceHours is { } g)
            {
                form.Fill("Grace period (hours)", g.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (rememberDays is { } r)
            {
                form.Fill("Remember a device for N days", r.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            page = await form.SubmitAsync();
            if (!page.Text.Contains("Press Save again to confirm", StringComparison.Ordinal))
            {
                break;
            }
        }

        return page;
    }

    public Task<Guid> UserIdAsync(TestUser user) =>
        factory.WithDbAsync(db => db.Users.Where(u => u.UserName == TwofoldUser.ComposeUserName(user.OperatorCode, user.Login)).Select(u => u.Id).SingleAsync());

    public static async Task<WebPage> OpenRecoveryPageAsync(Browser browser, TestUser user)
    {
        var dialog = await UserStories.SubmitPasswordAsync(browser, user);
        var link = dialog.Document.QuerySelectorAll("a").Single(a => a.TextContent.Trim() == "Use a recovery code").GetAttribute("href")!;
        return await browser.GetAsync(link);
    }

    public async Task<WebPage> SignInWithRecoveryCodeAsync(TestUser user, string code, Browser? browser = null)
    {
        browser ??= stories.NewBrowser();
        var page = await OpenRecoveryPageAsync(browser, user);
        return await page.Form("Sign in").Fill("Recovery code", code).SubmitAsync();
    }

    public static string Squash(WebPage page) => System.Text.RegularExpressions.Regex.Replace(page.Text, @"\s+", " ");

    public async Task<T> ServiceAsync<T, TService>(Func<TService, Task<T>> action) where TService : notnull
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
