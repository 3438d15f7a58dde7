using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.Mail;

namespace Twofold.IntegrationTests.Mail;

public sealed class OutboxDeliveryTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    // Long enough for several 0.1 s polls of the dispatcher.
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(600);

    /// <summary>
    /// Waits for the dispatcher's log entry about mail <paramref name="id"/>: it is written right after the row's
    /// new state is committed, so a test that has just seen the row may be a moment ahead of the log.
    /// </summary>
    private async Task WaitForLogAsync(Microsoft.Extensions.Logging.EventId eventId, long id) =>
        await Eventually.MatchAsync(
            () => Task.FromResult(factory.Logs.Entries.Any(e => e.EventId == eventId && e.Message.Contains($"Mail {id} ", StringComparison.Ordinal))),
            logged => logged, $"log entry {eventId.Name} for mail {id}");

    [Fact]
    public async Task QueuedMail_IsDelivered_WithTextAndHtml_AndBodiesErased()
    {
        var mail = OutboxTestMail.Create();

        var id = await factory.EnqueueAsync(mail.Email);

        var received = await factory.Smtp.WaitForMessageToAsync(mail.ToAddress);
        Assert.Equal(mail.Email.Subject, received.Subject);
        Assert.Equal("twofold@localhost", Assert.Single(received.From.Mailboxes).Address);
        Assert.Contains(mail.SecretLink, received.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{mail.SecretLink}\"", received.HtmlBody, StringComparison.Ordinal);
        Assert.IsType<MultipartAlternative>(received.Body);

        var row = await factory.WaitForOutboxRowAsync(id, r => r.Status == OutboxStatus.Sent, "sent");
        Assert.Null(row.ProtectedTextBody);
        Assert.Null(row.ProtectedHtmlBody);
        Assert.Equal(factory.Time.GetUtcNow(), row.SentAt);
        Assert.Equal(1, row.Attempts);
        Assert.Null(row.ClaimToken);
        Assert.Null(row.ClaimedUntil);

        await WaitForLogAsync(LogEvents.MailSent, id);
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Message.Contains(mail.SecretLink, StringComparison.Ordinal)
            || e.Message.Contains(mail.ToAddress, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task SmtpDown_MailStaysQueued_ThenArrivesExactlyOnceAfterRetry()
    {
        var mail = OutboxTestMail.Create();
        long id;
        await factory.Smtp.StopAsync();
        try
        {
            id = await factory.EnqueueAsync(mail.Email);

            var failed = await factory.WaitForOutboxRowAsync(id, r => r.Attempts >= 1, "first failed attempt");
            Assert.Equal(OutboxStatus.Queued, failed.Status);
            Assert.Equal(1, failed.Attempts);
            Assert.NotNull(failed.LastError);
            Assert.DoesNotContain(mail.SecretLink, failed.LastError, StringComparison.Ordinal);
            Assert.Equal(factory.Time.GetUtcNow() + TimeSpan.FromSeconds(10), failed.NextAttemptAt);
            Assert.NotNull(failed.ProtectedTextBody);
            Assert.Null(failed.ClaimToken);
            await WaitForLogAsync(LogEvents.MailRetry, id);
        }
        finally
        {
            await factory.Smtp.StartAsync();
        }

        // The server is back, but the retry is not due yet.
        await Task.Delay(QuietPeriod);
        Assert.Empty(factory.Smtp.MessagesTo(mail.ToAddress));
        Assert.Equal(1, (await factory.OutboxRowAsync(id)).Attempts);

        factory.Time.Advance(TimeSpan.FromSeconds(10));

        var received = await factory.Smtp.WaitForMessageToAsync(mail.ToAddress);
        Assert.Contains(mail.SecretLink, received.TextBody, StringComparison.Ordinal);
        var sent = await factory.WaitForOutboxRowAsync(id, r => r.Status == OutboxStatus.Sent, "sent after retry");
        Assert.Equal(2, sent.Attempts);
        Assert.Null(sent.ProtectedTextBody);

        await Task.Delay(QuietPeriod);
        Assert.Single(factory.Smtp.MessagesTo(mail.ToAddress));
    }

    [Fact]
    public async Task RepeatedFailures_BackOff_ThenFailed_AndRequeueDelivers()
    {
        var smtp = factory.Services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        var code = await factory.CreateOperatorAsync();
        var operatorId = await factory.WithDbAsync(db => db.Operators.Where(o => o.Code == code).Select(o => o.Id).SingleAsync());
        var mail = OutboxTestMail.Create();
        long id;
        await factory.Smtp.StopAsync();
        try
        {
            id = await factory.EnqueueAsync(mail.Email, operatorId);
            for (var attempt = 1; attempt < smtp.MaxAttempts; attempt++)
            {
                var row = await factory.WaitForOutboxRowAsync(id, r => r.Attempts == attempt, $"attempt {attempt}");
                Assert.Equal(OutboxStatus.Queued, row.Status);
                var expectedDelay = TimeSpan.FromSeconds(Math.Min(smtp.FirstRetrySeconds * (1 << (attempt - 1)), smtp.MaxRetrySeconds));
                Assert.Equal(factory.Time.GetUtcNow() + expectedDelay, row.NextAttemptAt);
                factory.Time.Advance(expectedDelay);
            }

            var failed = await factory.WaitForOutboxRowAsync(id, r => r.Attempts == smtp.MaxAttempts, "last attempt");
            Assert.Equal(OutboxStatus.Failed, failed.Status);
            Assert.NotNull(failed.LastError);
            Assert.NotNull(failed.ProtectedTextBody); // kept for a resend
            await WaitForLogAsync(LogEvents.MailFailed, id);
        }
        finally
        {
            await factory.Smtp.StartAsync();
        }

        // Failed is final: no more attempts even much later.
        factory.Time.Advance(TimeSpan.FromHours(1));
        await Task.Delay(QuietPeriod);
        Assert.Equal(OutboxStatus.Failed, (await factory.OutboxRowAsync(id)).Status);
        Assert.Empty(factory.Smtp.MessagesTo(mail.ToAddress));

        // Another operator's administrator cannot resend it.
        Assert.False(await factory.WithScopeAsync(sp => sp.GetRequiredService<OutboxAdmin>().RequeueFailedAsync(id, operatorId + 1000)));
        Assert.True(await factory.WithScopeAsync(sp => sp.GetRequiredService<OutboxAdmin>().RequeueFailedAsync(id, operatorId)));

        await factory.Smtp.WaitForMessageToAsync(mail.ToAddress);
        var sent = await factory.WaitForOutboxRowAsync(id, r => r.Status == OutboxStatus.Sent, "sent after requeue");
        Assert.Equal(1, sent.Attempts);
        Assert.Null(sent.ProtectedHtmlBody);

        // Only failed mail can be requeued.
        Assert.False(await factory.WithScopeAsync(sp => sp.GetRequiredService<OutboxAdmin>().RequeueFailedAsync(id, operatorId)));
        await Task.Delay(QuietPeriod);
        Assert.Single(factory.Smtp.MessagesTo(mail.ToAddress));
    }
}
