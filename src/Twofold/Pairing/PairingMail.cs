using System.Globalization;
using System.Text.Encodings.Web;
using Twofold.Mail;

namespace Twofold.Pairing;

/// <summary>The "Pair your mobile device with Twofold!" mail with its security notice.</summary>
public static class PairingMail
{
    public const string Kind = "pairing-link";
    public const string LinkText = "Pair your mobile device with Twofold!";

    public static Email Create(
        string toAddress, string operatorCode, string login, PairingReason reason,
        DateTimeOffset at, string pairingLink, string changePasswordLink, DateTimeOffset expiresAt, DateTimeOffset? deadline = null)
    {
        var account = $"{operatorCode} / {login}";
        var when = at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var expires = expiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var notice = reason switch
        {
            PairingReason.EnabledByUser => $"Two-factor authentication was turned on for {account} at {when}.",
            PairingReason.ForcedByOperator => $"Your operator {operatorCode} now requires two-factor authentication for {account} (since {when}).",
            PairingReason.ResetByAdministrator => $"An administrator removed the authenticator of {account} at {when}; pair your device again.",
            PairingReason.NewDevice => $"Pairing a new mobile device was requested for {account} at {when}. Your current device keeps working until the new one is paired.",
            PairingReason.GraceReminder => $"Reminder: your operator {operatorCode} requires two-factor authentication for {account}. " +
                $"Pair your mobile device before {(deadline ?? expiresAt).UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}; after that you cannot sign in without it.",
            _ => $"A sign-in to {account} at {when} needs a paired mobile device.",
        };
        const string NotYou = "If this was not you, change your password:";

        var text = $"""
            Security notice: {notice}
            {NotYou} {changePasswordLink}

            {LinkText}
            {pairingLink}

            The link works once and expires at {expires}. It asks for your password before it shows the QR code
            for Google Authenticator or a similar app.
            """;

        var h = HtmlEncoder.Default;
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><body style="font-family:sans-serif">
            <p><strong>Security notice:</strong> {h.Encode(notice)}<br>
            {h.Encode(NotYou)} <a href="{h.Encode(changePasswordLink)}">change your password</a>.</p>
            <p><a href="{h.Encode(pairingLink)}">{h.Encode(LinkText)}</a></p>
            <p>The link works once and expires at {h.Encode(expires)}. It asks for your password before it shows the QR code
            for Google Authenticator or a similar app.</p>
            </body></html>
            """;

        return new Email(Kind, toAddress, "Two-factor authentication: pair your mobile device", text, html);
    }
}
