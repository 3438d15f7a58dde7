using OtpNet;

namespace Twofold.Totp;

/// <summary>The Key URI Format understood by Google Authenticator and its kin.</summary>
public static class OtpAuthUri
{
    /// <summary>
    /// otpauth://totp/Issuer:OPERATOR%2Flogin?secret=…&amp;issuer=Issuer&amp;algorithm=SHA1&amp;digits=6&amp;period=30.
    /// The account label is escaped whole, so the "/" between operator and login becomes %2F.
    /// </summary>
    public static string Create(string issuer, string operatorCode, string login, ReadOnlySpan<byte> secret)
    {
        var label = Uri.EscapeDataString(issuer) + ":" + Uri.EscapeDataString($"{operatorCode}/{login}");
        return $"otpauth://totp/{label}?secret={Base32(secret)}&issuer={Uri.EscapeDataString(issuer)}" +
               $"&algorithm=SHA1&digits={TotpOptions.Digits}&period={TotpOptions.StepSeconds}";
    }

    public static string Base32(ReadOnlySpan<byte> secret) => Base32Encoding.ToString(secret.ToArray()).TrimEnd('=');

    /// <summary>The secret in groups of four characters, for typing it into an app by hand.</summary>
    public static string GroupedBase32(ReadOnlySpan<byte> secret) =>
        string.Join(' ', Base32(secret).Chunk(4).Select(c => new string(c)));
}
