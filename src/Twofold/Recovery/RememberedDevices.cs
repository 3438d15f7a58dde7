using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Twofold.Data;

namespace Twofold.Recovery;

/// <summary>
/// "Don't ask again on this device": a Data Protection-signed and encrypted, HttpOnly cookie holding the
/// user id, the security stamp and an expiry from <see cref="TimeProvider"/>. A password change, a
/// two-factor reset or turning two-factor off renews the stamp and so voids every remembered device;
/// so does the operator turning the setting off (0 days).
/// </summary>
public sealed class RememberedDevices(IDataProtectionProvider protection, TimeProvider time)
{
    public const string CookieName = "Twofold.RememberDevice";

    private readonly IDataProtector protector = protection.CreateProtector("Twofold.RememberDevice.v1");

    public void Remember(HttpContext http, TwofoldUser user, int days)
    {
        var expires = time.GetUtcNow().AddDays(days);
        var payload = string.Join('|', user.Id.ToString("N"), user.SecurityStamp ?? string.Empty,
            expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        http.Response.Cookies.Append(CookieName, protector.Protect(payload), new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Expires = expires,
            IsEssential = true,
        });
    }

    /// <summary>True when this browser holds a current cookie for this user and the operator still allows it.</summary>
    public bool IsRemembered(HttpContext http, TwofoldUser user, Operator op)
    {
        if (op.RememberDeviceDays <= 0 || !http.Request.Cookies.TryGetValue(CookieName, out var cookie) || string.IsNullOrEmpty(cookie))
        {
            return false;
        }

        string[] parts;
        try
        {
            parts = protector.Unprotect(cookie).Split('|');
        }
        catch (CryptographicException)
        {
            return false;
        }

        var now = time.GetUtcNow();
        return parts.Length == 3
            && parts[0] == user.Id.ToString("N")
            && CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(parts[1]), System.Text.Encoding.UTF8.GetBytes(user.SecurityStamp ?? string.Empty))
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            && now.ToUnixTimeSeconds() < expires;
    }
}
