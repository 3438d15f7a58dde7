using System.Text.Encodings.Web;

namespace Twofold.Mail;

/// <summary>
/// Text of a security notice: what happened, when (UTC), from which address, and what to do if it
/// was not the user. Plain text and HTML say the same. Never holds a password, code, secret or token.
/// </summary>
public static class SecurityNoticeMail
{
    public const string KindPrefix = "security-notice:";

    public sealed record Action(string Text, string LinkText, string Link);

    public static Email Create(
        string kind, string toAddress, string subject, string account, string happened, string when, string from,
        string? extra, Action notYou)
    {
        var text = $"""
            Security notice for {account}

            {happened}
            When: {when}
            Where: {from}
            {(extra is null ? string.Empty : extra + "\n")}
            If this was not you: {notYou.Text}
            {notYou.LinkText}: {notYou.Link}
            """;

        var h = HtmlEncoder.Default;
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><body style="font-family:sans-serif">
            <p><strong>Security notice for {h.Encode(account)}</strong></p>
            <p>{h.Encode(happened)}</p>
            <p>When: {h.Encode(when)}<br>Where: {h.Encode(from)}</p>
            {(extra is null ? string.Empty : $"<p>{h.Encode(extra)}</p>")}
            <p><strong>If this was not you:</strong> {h.Encode(notYou.Text)}
            <a href="{h.Encode(notYou.Link)}">{h.Encode(notYou.LinkText)}</a></p>
            </body></html>
            """;
        return new Email(KindPrefix + kind, toAddress, subject, text, html);
    }
}
