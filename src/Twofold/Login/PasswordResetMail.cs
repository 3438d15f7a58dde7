using System.Text.Encodings.Web;
using Twofold.Mail;
using Twofold.Web;

namespace Twofold.Login;

/// <summary>The "Reset your password" mail sent from "Forgot password?".</summary>
public static class PasswordResetMail
{
    public const string Kind = "password-reset";
    public const string LinkText = "Reset your password";

    public static Email Create(string toAddress, string account, DateTimeOffset at, string? clientIp, string resetLink, DateTimeOffset expiresAt)
    {
        var from = clientIp is null ? string.Empty : $" from the address {clientIp}";
        var asked = $"Someone asked to reset the password of {account} at {FormText.Utc(at)}{from}.";
        const string NotYou = "If this was not you, ignore this email: your password stays as it is. Two-factor authentication, if on, still applies after a reset.";
        var text = $"""
            {asked}

            {LinkText}:
            {resetLink}

            The link works once and expires at {FormText.Utc(expiresAt)}.
            {NotYou}
            """;

        var h = HtmlEncoder.Default;
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><body style="font-family:sans-serif">
            <p>{h.Encode(asked)}</p>
            <p><a href="{h.Encode(resetLink)}">{h.Encode(LinkText)}</a></p>
            <p>The link works once and expires at {h.Encode(FormText.Utc(expiresAt))}.<br>{h.Encode(NotYou)}</p>
            </body></html>
            """;
        return new Email(Kind, toAddress, "Reset your Twofold password", text, html);
    }
}
