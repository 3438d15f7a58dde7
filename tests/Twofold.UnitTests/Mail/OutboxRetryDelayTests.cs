using MailKit.Net.Smtp;
using Twofold.Mail;

namespace Twofold.UnitTests.Mail;

public sealed class OutboxRetryDelayTests
{
    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(4, 80)]
    [InlineData(7, 640)]
    [InlineData(8, 900)]
    [InlineData(60, 900)]
    public void RetryDelay_DoublesPerAttempt_UpToTheCap(int attempts, int expectedSeconds)
    {
        var options = new SmtpOptions { FirstRetrySeconds = 10, MaxRetrySeconds = 900 };

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), OutboxStore.RetryDelay(options, attempts));
    }

    [Fact]
    public void Describe_IsTypeAndOneShortLine()
    {
        var error = OutboxDispatcher.Describe(new SmtpCommandException(
            SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.MailboxUnavailable, "no such\r\nuser " + new string('x', 2000)));

        Assert.StartsWith("SmtpCommandException: 550 no such user ", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
        Assert.True(error.Length < 600);
    }

    [Fact]
    public void Linkify_EncodesText_AndLinksOnlyHttpUrls()
    {
        using var writer = new StringWriter();
        MailboxText.Linkify("<b>x</b> https://a.test/p?t=1&u=2. javascript:alert(1)")
            .WriteTo(writer, System.Text.Encodings.Web.HtmlEncoder.Default);

        Assert.Equal(
            "&lt;b&gt;x&lt;/b&gt; <a href=\"https://a.test/p?t=1&amp;u=2\" rel=\"noreferrer noopener\">https://a.test/p?t=1&amp;u=2</a>. javascript:alert(1)",
            writer.ToString());
    }
}
