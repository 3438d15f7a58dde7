using System.Net.Sockets;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Twofold.Mail;

/// <summary>
/// Delivers the outbox: wakes on <see cref="OutboxSignal"/> or every PollSeconds, claims a batch of
/// due mail (safe with several nodes), and sends it over one SMTP connection, kept open while full batches
/// follow each other; each delivery is recorded as soon as the server accepts the mail. Failures are retried
/// with back-off and never lose the mail. Logs carry ids and kinds only: bodies hold one-time links.
/// </summary>
internal sealed class OutboxDispatcher(
    IServiceScopeFactory scopes, OutboxSignal signal, MailOutbox outbox, IOptions<SmtpOptions> options, ILogger<OutboxDispatcher> logger)
    : BackgroundService
{
    private const int SmtpTimeoutMilliseconds = 30_000;
    private const int MaxErrorLength = 500;

    // Kept open while batches follow each other (a 100,000-mail fan-out), closed when the outbox is empty.
    private SmtpClient? client;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var smtp = options.Value;
        if (!smtp.IsConfigured)
        {
            logger.LogInformation(
                LogEvents.MailDeliveryOff,
                "Smtp:Host is empty: mail is not sent and stays in the outbox (Development: see /dev/mailbox)");
            return;
        }

        var poll = TimeSpan.FromSeconds(smtp.PollSeconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var batchWasFull = false;
                try
                {
                    batchWasFull = await DispatchBatchAsync(smtp, stoppingToken) >= smtp.BatchSize;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // E.g. the database is unreachable: keep the service alive and look again later.
                    logger.LogError(LogEvents.MailDispatchError, ex, "Outbox dispatch failed; next look in {PollSeconds} s", smtp.PollSeconds);
                }

                if (!batchWasFull)
                {
                    await CloseConnectionAsync(stoppingToken);

                    // Real time on purpose: TimeProvider only stamps the rows (tests fake it).
                    await signal.WaitAsync(poll, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            client?.Dispose();
            client = null;
        }
    }

    /// <summary>Claims and sends one batch; returns how many mails were claimed.</summary>
    private async Task<int> DispatchBatchAsync(SmtpOptions smtp, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<OutboxStore>();
        var claim = await store.ClaimAsync(ct);
        if (claim.Messages.Count == 0)
        {
            return 0;
        }

        try
        {
            await SendAsync(store, claim, smtp, ct);
        }
        finally
        {
            await store.ReleaseAsync(claim.Token);
        }

        return claim.Messages.Count;
    }

    private async Task<Exception?> ConnectAsync(SmtpOptions smtp, CancellationToken ct)
    {
        if (client is { IsConnected: true })
        {
            return null;
        }

        if (!smtp.IsConfigured)
        {
            throw new InvalidOperationException("Smtp:Host is empty.");
        }

        client?.Dispose();
        client = new SmtpClient { Timeout = SmtpTimeoutMilliseconds };
        try
        {
            // Our own socket with Nagle off: SMTP is small request/response writes, and Nagle plus the
            // server's delayed ACK can stall each message by ~40 ms (a few dozen mails/s at most).
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(smtp.Host, smtp.Port, ct);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            await client.ConnectAsync(socket, smtp.Host, smtp.Port, smtp.Security, ct);
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? string.Empty, ct);
            }

            return null;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            return ex;
        }
    }

    private async Task SendAsync(OutboxStore store, OutboxClaim claim, SmtpOptions smtp, CancellationToken ct)
    {
        var connectionError = await ConnectAsync(smtp, ct);
        foreach (var message in claim.Messages)
        {
            if (ct.IsCancellationRequested)
            {
                return; // the rest is released by the caller
            }

            // No server: every mail of the batch counts an attempt and is retried later, none is lost.
            if (connectionError is not null || client is null)
            {
                await RecordFailureAsync(store, message, claim.Token, connectionError ?? new InvalidOperationException("No SMTP connection."));
                continue;
            }

            try
            {
                await client.SendAsync(Compose(message, smtp), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                await RecordFailureAsync(store, message, claim.Token, ex);
                if (!client.IsConnected)
                {
                    connectionError = ex;
                }

                continue;
            }

            // Recorded before the next mail goes out (issue 4: at most one duplicate per crash): a crash
            // can only resend the one mail the server accepted whose UPDATE had not committed yet.
            await store.MarkSentAsync(message.Id, claim.Token);
            logger.LogInformation(LogEvents.MailSent, "Mail {MessageId} ({Kind}) sent on attempt {Attempt}", message.Id, message.Kind, message.Attempts + 1);
        }
    }

    private async Task CloseConnectionAsync(CancellationToken ct)
    {
        if (client is not { IsConnected: true })
        {
            return;
        }

        try
        {
            await client.DisconnectAsync(quit: true, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Everything is sent; a failed QUIT changes nothing.
            logger.LogDebug(LogEvents.MailDispatchError, "SMTP QUIT failed: {ErrorType}", ex.GetType().Name);
        }
    }

    private async Task RecordFailureAsync(OutboxStore store, OutboxMessage message, Guid token, Exception ex)
    {
        var error = Describe(ex);
        var result = await store.MarkFailedAsync(message, token, error);
        if (result.GaveUp)
        {
            logger.LogError(
                LogEvents.MailFailed, "Mail {MessageId} ({Kind}) failed after {Attempts} attempts: {Error}",
                message.Id, message.Kind, result.Attempts, error);
        }
        else
        {
            logger.LogWarning(
                LogEvents.MailRetry, "Mail {MessageId} ({Kind}) attempt {Attempts} failed, retry at {NextAttemptAt:O}: {Error}",
                message.Id, message.Kind, result.Attempts, result.NextAttemptAt, error);
        }
    }

    private MimeMessage Compose(OutboxMessage message, SmtpOptions smtp)
    {
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(smtp.FromName, smtp.From));
        mime.To.Add(MailboxAddress.Parse(message.ToAddress));
        mime.Subject = message.Subject;

        // RFC 3834: tells auto-responders not to answer.
        mime.Headers.Add("Auto-Submitted", "auto-generated");
        var body = new BodyBuilder
        {
            TextBody = outbox.UnprotectBody(message.ProtectedTextBody ?? throw new InvalidOperationException("The text body is missing.")),
            HtmlBody = outbox.UnprotectBody(message.ProtectedHtmlBody ?? throw new InvalidOperationException("The HTML body is missing.")),
        };
        mime.Body = body.ToMessageBody();
        return mime;
    }

    /// <summary>Type and a short single-line message: enough to diagnose, never the mail content.</summary>
    internal static string Describe(Exception ex)
    {
        var text = ex is SmtpCommandException smtp ? $"{(int)smtp.StatusCode} {ex.Message}" : ex.Message;
        text = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (text.Length > MaxErrorLength)
        {
            text = text[..MaxErrorLength] + "…";
        }

        return $"{ex.GetType().Name}: {text}";
    }
}
