using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Twofold.Audit;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Audit;

/// <summary>/settings/audit: administrators only, own operator only, newest first, 50 a page, filters, CSV, retention.</summary>
public sealed class AuditPageTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    private readonly UserStories stories = new(factory);

    /// <summary>Adds rows one minute apart, the newest at the current fake time, for <paramref name="login"/>.</summary>
    private Task SeedAsync(string operatorCode, string login, int count, AuditEventType type, string? userAgent = null, TimeSpan? age = null) =>
        factory.WithDbAsync(async db =>
        {
            var normalized = Data.Operator.Normalize(operatorCode);
            var op = await db.Operators.SingleAsync(o => o.NormalizedCode == normalized);
            var newest = factory.Time.GetUtcNow() - (age ?? TimeSpan.Zero);
            for (var i = 0; i < count; i++)
            {
                db.AuditEvents.Add(new AuditEvent
                {
                    At = newest.AddMinutes(-i), OperatorId = op.Id, Login = login, Type = type,
                    Detail = $"seed {i}", UserAgent = userAgent, ClientIp = "192.0.2.1",
                });
            }

            await db.SaveChangesAsync();
        });

    private static List<(string Type, string Login, string Detail)> Rows(WebPage page) =>
        page.Document.QuerySelectorAll("table.audit tbody tr")
            .Select(tr => tr.QuerySelectorAll("td").ToList())
            .Select(td => (td[1].GetAttribute("data-type")!, td[2].TextContent, td[6].TextContent))
            .ToList();

    [Fact]
    public async Task OnlyAdministrators_SeeOnlyTheirOperator()
    {
        var admin = await stories.NewUserAsync(admin: true);
        var plain = await stories.NewUserAsync(admin.OperatorCode);
        var otherAdmin = await stories.NewUserAsync(admin: true);
        await SeedAsync(admin.OperatorCode, "somebody", 3, AuditEventType.SignInSucceeded);

        var plainBrowser = await stories.SignInAsync(plain);
        Assert.Equal(HttpStatusCode.Forbidden, (await plainBrowser.GetAsync("/settings/audit")).Status);
        using (var csv = await plainBrowser.Client.GetAsync("/settings/audit?handler=Csv"))
        {
            Assert.NotEqual(HttpStatusCode.OK, csv.StatusCode);
        }

        var anonymous = await stories.NewBrowser().GetAsync("/settings/audit");
        Assert.Contains("/login", anonymous.Url, StringComparison.Ordinal);
        Assert.Empty(Rows(anonymous));

        var other = await (await stories.SignInAsync(otherAdmin)).GetAsync("/settings/audit");
        Assert.Equal(HttpStatusCode.OK, other.Status);
        Assert.DoesNotContain(Rows(other), r => r.Login == "somebody" || r.Login == admin.Login);
        Assert.All(Rows(other), r => Assert.Equal(otherAdmin.Login, r.Login));
        using var otherCsv = await other.Browser.Client.GetAsync("/settings/audit?handler=Csv&login=somebody");
        Assert.Single((await otherCsv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries)); // header only

        var mine = await (await stories.SignInAsync(admin)).GetAsync("/settings/audit");
        Assert.Equal(3, Rows(mine).Count(r => r.Login == "somebody"));
        Assert.True((await mine.Browser.GetAsync("/settings/general")).HasLink("Audit log"));
    }

    [Fact]
    public async Task NewestFirst_FiftyAPage_WithPager()
    {
        var admin = await stories.NewUserAsync(admin: true);
        await SeedAsync(admin.OperatorCode, "paged", 120, AuditEventType.SignInFailedPassword, age: TimeSpan.FromDays(1));
        var browser = await stories.SignInAsync(admin);

        var first = await browser.GetAsync("/settings/audit?login=paged");
        var rows = Rows(first);
        Assert.Equal(50, rows.Count);
        Assert.Equal("seed 0", rows[0].Detail);
        Assert.Equal("seed 49", rows[49].Detail);
        Assert.Contains("120 event(s), page 1 of 3", first.Text, StringComparison.Ordinal);
        var next = first.Document.QuerySelectorAll("nav.pager a").Single(a => a.TextContent == "Next").GetAttribute("href")!;
        var second = await browser.GetAsync("/settings/audit" + next);
        Assert.Equal("seed 50", Rows(second)[0].Detail);
        var last = await browser.GetAsync("/settings/audit?login=paged&p=3");
        Assert.Equal(20, Rows(last).Count);
        Assert.Equal("seed 119", Rows(last)[^1].Detail);
        Assert.Equal(20, Rows(await browser.GetAsync("/settings/audit?login=paged&p=99")).Count); // clamped

        // The administrator's own sign-in is newest of all.
        var unfiltered = Rows(await browser.GetAsync("/settings/audit"));
        Assert.Equal(nameof(AuditEventType.SignInSucceeded), unfiltered[0].Type);
        Assert.Equal(admin.Login, unfiltered[0].Login);
    }

    [Fact]
    public async Task Filters_ByUserTypeAndDateRange_AndBadInputIsExplained()
    {
        var admin = await stories.NewUserAsync(admin: true);
        var now = factory.Time.GetUtcNow();
        await SeedAsync(admin.OperatorCode, "alice", 2, AuditEventType.PasswordChanged, age: TimeSpan.FromDays(10));
        await SeedAsync(admin.OperatorCode, "alice", 3, AuditEventType.SignInSucceeded, age: TimeSpan.FromDays(3));
        await SeedAsync(admin.OperatorCode, "bob", 4, AuditEventType.SignInSucceeded, age: TimeSpan.FromDays(3));
        var browser = await stories.SignInAsync(admin);

        Assert.Equal(5, Rows(await browser.GetAsync("/settings/audit?login=ALICE")).Count);
        Assert.Equal(7, Rows(await browser.GetAsync("/settings/audit?type=SignInSucceeded")).Count(r => r.Login is "alice" or "bob"));
        Assert.Equal(3, Rows(await browser.GetAsync("/settings/audit?login=alice&type=SignInSucceeded")).Count);

        string Day(int daysAgo) => now.AddDays(-daysAgo).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(2, Rows(await browser.GetAsync($"/settings/audit?login=alice&from={Day(11)}&to={Day(9)}")).Count);
        Assert.Equal(3, Rows(await browser.GetAsync($"/settings/audit?login=alice&from={Day(3)}")).Count);
        Assert.Equal(2, Rows(await browser.GetAsync($"/settings/audit?login=alice&to={Day(4)}")).Count);

        // The filter form itself submits these fields.
        var form = (await browser.GetAsync("/settings/audit")).Document.QuerySelector("form[role=search]")!;
        Assert.NotNull(form.QuerySelector("input[name=login]"));
        Assert.NotNull(form.QuerySelector("select[name=type] option[value=PasswordChanged]"));
        Assert.NotNull(form.QuerySelector("input[name=from][type=date]"));

        foreach (var (query, message) in new[]
        {
            ("from=28.11.2026", "From date: enter a date as YYYY-MM-DD"),
            ("to=yesterday", "To date: enter a date as YYYY-MM-DD"),
            ($"from={Day(1)}&to={Day(5)}", "The From date must not be after the To date."),
            ("type=NoSuchEvent", "Choose an event type from the list."),
            ("type=3", "Choose an event type from the list."),
        })
        {
            var bad = await browser.GetAsync("/settings/audit?" + query);
            Assert.Equal(HttpStatusCode.OK, bad.Status);
            Assert.Contains(message, bad.Text, StringComparison.Ordinal);
            Assert.Empty(Rows(bad));
        }
    }

    [Fact]
    public async Task CsvExport_UsesTheFilters_AndDefusesFormulas()
    {
        var admin = await stories.NewUserAsync(admin: true);
        await SeedAsync(admin.OperatorCode, "=cmd|' /C calc'!A0", 1, AuditEventType.SignInFailedPassword, userAgent: "@SUM(1+1)");
        await SeedAsync(admin.OperatorCode, "carol", 2, AuditEventType.PasswordChanged, userAgent: "-2+3 \"quoted\"");
        var browser = await stories.SignInAsync(admin);

        using var response = await browser.Client.GetAsync("/settings/audit?handler=Csv&login=carol");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("\"Time (UTC)\",\"Event\",\"Login\"", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"PasswordChanged\",\"carol\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"'-2+3 \"\"quoted\"\"\"", lines[1], StringComparison.Ordinal);

        using var all = await browser.Client.GetAsync("/settings/audit?handler=Csv&type=SignInFailedPassword");
        var text = await all.Content.ReadAsStringAsync();
        Assert.Contains("\"'=cmd|' /C calc'!A0\"", text, StringComparison.Ordinal);
        Assert.Contains("\"'@SUM(1+1)\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(",\"=", text, StringComparison.Ordinal);
        Assert.DoesNotContain("carol", text, StringComparison.Ordinal);

        // A bad filter exports nothing and explains on the page.
        using var bad = await browser.Client.GetAsync("/settings/audit?handler=Csv&from=nonsense");
        Assert.Contains("enter a date as YYYY-MM-DD", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_PrunesRowsOlderThanTheSetting()
    {
        var admin = await stories.NewUserAsync(admin: true);
        await SeedAsync(admin.OperatorCode, "ancient", 2, AuditEventType.SignInSucceeded, age: TimeSpan.FromDays(366));
        await SeedAsync(admin.OperatorCode, "recent", 2, AuditEventType.SignInSucceeded, age: TimeSpan.FromDays(364));

        var deleted = await factory.Services.GetRequiredService<AuditPruner>().PruneAsync();
        Assert.True(deleted >= 2);
        var logins = await factory.WithDbAsync(db => db.AuditEvents.Select(e => e.Login).ToListAsync());
        Assert.DoesNotContain("ancient", logins);
        Assert.Equal(2, logins.Count(l => l == "recent"));

        // The background job runs daily on the app's clock: a day later, rows that have since aged out go.
        await SeedAsync(admin.OperatorCode, "aging", 1, AuditEventType.SignInSucceeded, age: TimeSpan.FromDays(364.5));
        factory.Time.Advance(AuditPruner.Interval);
        await Eventually.MatchAsync(
            () => factory.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Login == "aging")), n => n == 0, "the daily prune");
    }

    [Fact]
    public async Task RetentionSetting_IsValidatedAtStartUp()
    {
        await using var bad = new BadRetentionFactory();
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await bad.InitializeAsync());
        Assert.True(error.ToString().Contains("Audit:RetentionDays must be between 1 and 36500 days.", StringComparison.Ordinal), error.ToString());
    }

    private sealed class BadRetentionFactory : TwofoldFactory
    {
        protected override void AddSettings(IDictionary<string, string?> settings)
        {
            base.AddSettings(settings);
            settings["Audit:RetentionDays"] = "0";
        }
    }
}
