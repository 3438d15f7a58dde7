using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Twofold.IntegrationTests.Infrastructure;

public sealed class SmtpSinkTests
{
    [Fact]
    public async Task ReceivesMail_RefusesWhileStopped_AndRestartsOnTheSamePort()
    {
        await using var sink = new SmtpSink();
        await sink.StartAsync();
        await SendAsync(sink.Port, "a@sink.test");
        Assert.Equal("a@sink.test", (await sink.WaitForMessageToAsync("a@sink.test")).To.Mailboxes.Single().Address);

        await sink.StopAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => SendAsync(sink.Port, "b@sink.test"));

        await sink.StartAsync();
        await SendAsync(sink.Port, "c@sink.test");
        await sink.WaitForMessageToAsync("c@sink.test");
        Assert.Equal(["a@sink.test", "c@sink.test"], sink.Messages.Select(m => m.To.Mailboxes.Single().Address));
    }

    [Fact]
    public async Task WaitForMessage_TimesOutWithAClearMessage()
    {
        await using var sink = new SmtpSink();
        await sink.StartAsync();
        var error = await Assert.ThrowsAsync<TimeoutException>(() => sink.WaitForMessageToAsync("nobody@sink.test", TimeSpan.FromMilliseconds(200)));
        Assert.Contains("No matching mail", error.Message, StringComparison.Ordinal);
    }

    private static async Task SendAsync(int port, string to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("test@sink.test"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "Hello";
        message.Body = new TextPart("plain") { Text = "Hi" };
        using var client = new SmtpClient();
        await client.ConnectAsync(SmtpSink.Host, port, SecureSocketOptions.None);
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }
}
