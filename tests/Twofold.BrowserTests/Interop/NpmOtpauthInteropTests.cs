using System.Globalization;
using System.Text.Json;
using Twofold.BrowserTests.Infrastructure;
using Twofold.Totp;

namespace Twofold.BrowserTests.Interop;

/// <summary>
/// The otpauth:// URI we put in the QR code, read by the npm package otpauth (interop/parse-uri.mjs):
/// it must understand the same secret, issuer, label and parameters, and compute the same codes.
/// </summary>
[Trait("Category", "Interop")]
public sealed class NpmOtpauthInteropTests
{
    [ToolTheory(OutsideTools.NpmOtpauth)]
    [InlineData("Twofold", "ACME", "jdoe")]
    [InlineData("Acme Air Sign-in", "T1-AB12", "j.doe+ops@x")]
    [InlineData("Twofold", "ÖBB", "zoë")]
    public async Task OtpauthParsesOurUri_ToTheSameAccountAndCodes(string issuer, string operatorCode, string login)
    {
        var secret = TotpVerifier.NewSecret();
        var uri = OtpAuthUri.Create(issuer, operatorCode, login, secret);
        var at = new DateTimeOffset(2026, 11, 28, 8, 0, 10, TimeSpan.Zero);

        var json = await ProcessRunner.RunCheckedAsync(OutsideTools.Node,
            [Path.Combine(OutsideTools.InteropFolder, "parse-uri.mjs"), uri, at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)],
            OutsideTools.InteropFolder);
        using var parsed = JsonDocument.Parse(json);
        var root = parsed.RootElement;

        Assert.Equal("totp", root.GetProperty("type").GetString());
        Assert.Equal(OtpAuthUri.Base32(secret), root.GetProperty("secret").GetString());
        Assert.Equal(issuer, root.GetProperty("issuer").GetString());
        Assert.Equal($"{operatorCode}/{login}", root.GetProperty("label").GetString());
        Assert.Equal("SHA1", root.GetProperty("algorithm").GetString());
        Assert.Equal(TotpOptions.Digits, root.GetProperty("digits").GetInt32());
        Assert.Equal(TotpOptions.StepSeconds, root.GetProperty("period").GetInt32());
        Assert.Equal(
            Rfc6238.ComputeCode(secret, Rfc6238.StepAt(at)).ToString("D6", CultureInfo.InvariantCulture),
            root.GetProperty("code").GetString());
    }
}
