using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.Mail;
using Twofold.Users;

namespace Twofold.IntegrationTests.Hostile;

/// <summary>
/// Every row of <see cref="HostileCases"/> against the real app: the expected 4xx (or a local redirect),
/// the message a person needs, never a 500, never an unescaped payload, and no change to stored state.
/// </summary>
public sealed partial class HostileInputTests(HostileFactory factory) : IClassFixture<HostileFactory>
{
    [Fact]
    public void Table_HasAtLeastSixtyDistinctCases()
    {
        Assert.True(HostileCases.All.Count >= 60, $"{HostileCases.All.Count} cases");
        Assert.Equal(HostileCases.All.Count, HostileCases.All.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(HostileCases.Names), MemberType = typeof(HostileCases))]
    public async Task HostileRequest_IsRefusedClearly_WithoutStateChange(string name)
    {
        var hostile = HostileCases.All.Single(c => c.Name == name);
        var world = await factory.WorldAsync();
        var before = await world.FingerprintAsync();

        using var response = await hostile.Send(world);
        var html = await response.Content.ReadAsStringAsync();
        var text = Regex.Replace(WebUtility.HtmlDecode(Regex.Replace(html, "<[^>]*>", " ")), @"\s+", " ");

        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.True(hostile.Expected.Contains(response.StatusCode), $"{name}: got {(int)response.StatusCode}, expected {string.Join("/", hostile.Expected.Select(s => (int)s))}. Page: {Shorten(text)}");
        if (hostile.Message is not null)
        {
            Assert.True(text.Contains(hostile.Message, StringComparison.Ordinal), $"{name}: message '{hostile.Message}' missing. Page: {Shorten(text)}");
        }

        if (HostileWorld.IsRedirect(response.StatusCode))
        {
            var location = response.Headers.Location ?? throw new InvalidOperationException("Redirect without Location.");
            Assert.True(!location.IsAbsoluteUri || location.Host == "localhost", $"{name}: off-site redirect to {location}");
            var local = location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
            Assert.True(local.StartsWith('/') && !local.StartsWith("//", StringComparison.Ordinal) && !local.StartsWith("/\\", StringComparison.Ordinal), $"{name}: {local}");
            if (hostile.Location is not null)
            {
                Assert.Equal(hostile.Location, local);
            }
        }

        // Payloads may come back only encoded.
        Assert.DoesNotContain("<script>alert", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img src=x", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await world.FingerprintAsync());
    }

    [Fact]
    public async Task HostileText_IsRenderedEscaped_InUserListFailedMailsSearchAndSettings()
    {
        var world = await factory.WorldAsync();
        var users = await world.AdminClient.GetStringAsync("/users?q=" + Uri.EscapeDataString("<script>alert(1)</script>"));

        // Stored: a failed mail with markup in subject and error (the SMTP server's text is outside data).
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt; subject", users, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;error&#x27;)&lt;/script&gt;", users, StringComparison.Ordinal);
        Assert.Contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\"", users, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", users, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", users, StringComparison.Ordinal);

        // An operator name (set by the server administrator's CLI) with markup, on Settings and in the header.
        var code = "X" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await factory.WithScopeAsync(async sp =>
            Assert.True((await sp.GetRequiredService<UserAccounts>().CreateOperatorAsync(code, "<b>Evil</b><script>alert(1)</script>")).Succeeded));
        var stories = new UserStories(factory);
        var admin = await stories.NewUserAsync(code, admin: true);
        var settings = await (await stories.SignInAsync(admin)).Client.GetStringAsync("/settings/general");
        Assert.Contains("&lt;b&gt;Evil&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;", settings, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", settings, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrLfInAddressesAndNames_NeverReachMailHeaders()
    {
        var world = await factory.WorldAsync();

        // Every way in refuses CR/LF: the CLI's service, the operator name, the outbox itself.
        await factory.WithScopeAsync(async sp =>
        {
            var accounts = sp.GetRequiredService<UserAccounts>();
            var result = await accounts.CreateUserAsync(world.Admin.OperatorCode, "crlf", "a@x.test\r\nBcc: evil@evil.test", "a long enough password", administrator: false);
            Assert.False(result.Succeeded);
            Assert.Contains(AccountRules.EmailError, result.Errors);
            Assert.False((await accounts.CreateUserAsync(world.Admin.OperatorCode, "crlf\r\nBcc: evil@evil.test", "a@x.test", "a long enough password", administrator: false)).Succeeded);
            Assert.False((await accounts.CreateOperatorAsync("CRLFOP", "Name\r\nBcc: evil@evil.test")).Succeeded);
            var outbox = sp.GetRequiredService<MailOutbox>();
            var db = sp.GetRequiredService<Twofold.Data.TwofoldDbContext>();
            Assert.Throws<ArgumentException>(() => outbox.Enqueue(db, new Email("x", "a@x.test\r\nBcc: evil@evil.test", "s", "t", "h")));
            Assert.Throws<ArgumentException>(() => outbox.Enqueue(db, new Email("x", "a@x.test", "Subject\r\nBcc: evil@evil.test", "t", "h")));
        });

        // And what the SMTP server received: one recipient each, no Cc/Bcc, single-line subjects.
        Assert.NotEmpty(factory.Smtp.Messages);
        foreach (var mail in factory.Smtp.Messages)
        {
            Assert.Single(mail.To.Mailboxes);
            Assert.Empty(mail.Cc);
            Assert.Empty(mail.Bcc);
            Assert.DoesNotContain(mail.Headers, h => h.Field.Equals("Bcc", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain('\n', mail.Subject ?? string.Empty);
            Assert.DoesNotContain(mail.To.Mailboxes, b => b.Address.Contains("evil", StringComparison.OrdinalIgnoreCase));
        }
    }

    private static string Shorten(string text) => text.Length > 600 ? text[..600] + "…" : text;
}
