using System.Globalization;

namespace Twofold.BrowserTests.Infrastructure;

/// <summary>OATH Toolkit's oathtool (Debian package oathtool): an RFC 6238 implementation we did not write.</summary>
public static class Oathtool
{
    /// <summary>The 6-digit code for <paramref name="base32Secret"/> at <paramref name="at"/> (default: now, by oathtool's own clock).</summary>
    public static Task<string> CodeAsync(string base32Secret, DateTimeOffset? at = null, string mode = "SHA1") =>
        ProcessRunner.RunCheckedAsync(OutsideTools.Oathtool, [.. Common(at, mode), base32Secret]);

    /// <summary>
    /// oathtool's validation mode: exit code 0 when <paramref name="code"/> matches within
    /// ±<paramref name="window"/> steps of <paramref name="at"/>, non-zero otherwise.
    /// </summary>
    public static async Task<int> ValidateAsync(string base32Secret, string code, int window, DateTimeOffset? at = null, string mode = "SHA1") =>
        (await ProcessRunner.RunAsync(OutsideTools.Oathtool,
            [.. Common(at, mode), "-w", window.ToString(CultureInfo.InvariantCulture), base32Secret, code])).ExitCode;

    private static IEnumerable<string> Common(DateTimeOffset? at, string mode)
    {
        yield return $"--totp={mode}";
        yield return "-b"; // the secret is base32, as in the otpauth URI
        if (at is { } instant)
        {
            yield return "--now";
            yield return instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        }
    }
}
