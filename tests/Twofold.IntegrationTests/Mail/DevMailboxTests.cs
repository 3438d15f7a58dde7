using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.Extensions.DependencyInjection;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.Mail;

namespace Twofold.IntegrationTests.Mail;

public sealed class DevMailboxTests(DevelopmentFactory factory) : IClassFixture<DevelopmentFactory>
{
    [Fact]
    public async Task DevMailbox_ShowsQueuedMail_NewestFirst_WithEncodedTextAndSafeLinks()
    {
        var older = OutboxTestMail.Create();
        await factory.EnqueueAsync(older.Email);
        var mail = OutboxTestMail.Create();
        const string Hostile = "<script>alert(1)</script> https://example.com/a?x=1&y=\"><b>bold</b> javascript:alert(2)";
        var id = await factory.EnqueueAsync(mail.Email with { TextBody = $"Link: {mail.SecretLink}.\n{Hostile}" });
        using var client = factory.CreateBrowserClient();

        using var response = await client.GetAsync("/dev/mailbox");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        var page = await HtmlForm.ParseAsync(response);
        var articles = page.QuerySelectorAll("article.mail").ToList();
        var index = articles.FindIndex(a => a.QuerySelector(".mail-to")?.TextContent == mail.ToAddress);
        Assert.True(index >= 0, "the mail is listed");
        Assert.True(index < articles.FindIndex(a => a.QuerySelector(".mail-to")?.TextContent == older.ToAddress), "newest first");
        var article = articles[index];
        Assert.Equal($"mail-{id}", article.Id);
        Assert.Contains(mail.Email.Subject, article.QuerySelector("h2")!.TextContent, StringComparison.Ordinal);

        var body = article.QuerySelector("pre.mail-body")!;
        var links = body.QuerySelectorAll("a").Cast<IHtmlAnchorElement>().Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal([mail.SecretLink, "https://example.com/a?x=1&y="], links);
        Assert.Empty(body.QuerySelectorAll("script, b"));
        Assert.Contains(Hostile, body.TextContent, StringComparison.Ordinal);

        // No SMTP host in Development: the mail stays queued, untouched.
        var row = await factory.OutboxRowAsync(id);
        Assert.Equal(OutboxStatus.Queued, row.Status);
        Assert.Equal(0, row.Attempts);
        Assert.Contains(factory.Logs.Entries, e => e.EventId == LogEvents.MailDeliveryOff);
        Assert.Empty(factory.Smtp.Messages);
    }

    [Fact]
    public async Task Claim_IsWonByOneNodeOnly_UntilTheLeaseEnds()
    {
        // Development runs no dispatcher (no SMTP host), so only this test claims rows.
        var id = await factory.EnqueueAsync(OutboxTestMail.Create().Email);
        await using var nodeA = factory.Services.CreateAsyncScope();
        await using var nodeB = factory.Services.CreateAsyncScope();
        var storeA = nodeA.ServiceProvider.GetRequiredService<OutboxStore>();
        var storeB = nodeB.ServiceProvider.GetRequiredService<OutboxStore>();
        var now = factory.Time.GetUtcNow();

        // Both nodes saw the row as due before either claimed it.
        var dueA = await storeA.FindDueAsync(now, 1000, CancellationToken.None);
        var dueB = await storeB.FindDueAsync(now, 1000, CancellationToken.None);
        Assert.Contains(id, dueA);
        Assert.Contains(id, dueB);
        var claimA = await storeA.TryClaimAsync(dueA, now, CancellationToken.None);
        var claimB = await storeB.TryClaimAsync(dueB, now, CancellationToken.None);

        Assert.Contains(claimA.Messages, m => m.Id == id);
        Assert.DoesNotContain(claimB.Messages, m => m.Id == id);
        var row = await factory.OutboxRowAsync(id);
        Assert.Equal(claimA.Token, row.ClaimToken);
        Assert.Equal(now + factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SmtpOptions>>().Value.ClaimLease, row.ClaimedUntil);

        // Node A died: after the lease another node takes the mail over.
        factory.Time.Advance(factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SmtpOptions>>().Value.ClaimLease + TimeSpan.FromSeconds(1));
        var later = factory.Time.GetUtcNow();
        var claimC = await storeB.TryClaimAsync(await storeB.FindDueAsync(later, 1000, CancellationToken.None), later, CancellationToken.None);
        Assert.Contains(claimC.Messages, m => m.Id == id);
    }
}

public sealed class DevMailboxOutsideDevelopmentTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    [Fact]
    public async Task DevMailbox_IsNotFound_OutsideDevelopment()
    {
        await factory.EnqueueAsync(OutboxTestMail.Create().Email);
        using var client = factory.CreateBrowserClient();

        using var response = await client.GetAsync("/dev/mailbox");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("mail.test", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
