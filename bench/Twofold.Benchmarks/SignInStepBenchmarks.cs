using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Twofold.Pairing;
using Twofold.Totp;

namespace Twofold.Benchmarks;

/// <summary>The other costs of a sign-in and of pairing, to put the TOTP figures in proportion.</summary>
[MemoryDiagnoser]
public class SignInStepBenchmarks
{
    private const string Password = "correct horse battery staple";

    private readonly AuthenticatorSecrets secrets = new(new EphemeralDataProtectionProvider());
    private readonly QrCodeRenderer qrCodes = new();
    private readonly PasswordHasher<BenchUser> hasher = new();
    private readonly BenchUser user = new();
    private string protectedSecret = "";
    private string otpAuthUri = "";
    private string passwordHash = "";

    [GlobalSetup]
    public void Setup()
    {
        var secret = TotpVerifier.NewSecret();
        protectedSecret = secrets.Protect(secret);
        // A realistic label: default issuer, an operator code and a login of ordinary length.
        otpAuthUri = OtpAuthUri.Create("Twofold", "ACME", "jane.doe", secret);
        passwordHash = hasher.HashPassword(user, Password);

        // Printed to the log so the report can quote the parameters actually measured.
        Console.WriteLine($"// PasswordHasher<T> default: {PasswordHashHeader.Describe(Convert.FromBase64String(passwordHash))}");
        Console.WriteLine($"// otpauth URI length: {otpAuthUri.Length} characters");
    }

    /// <summary>Data Protection Unprotect of a 20-byte secret (AES-256-CBC + HMAC-SHA256 by default).</summary>
    [Benchmark]
    public byte[] UnprotectSecret() => secrets.Unprotect(protectedSecret);

    [Benchmark]
    public string QrCodePng() => qrCodes.PngDataUri(otpAuthUri);

    [Benchmark]
    public PasswordVerificationResult VerifyPassword() => hasher.VerifyHashedPassword(user, passwordHash, Password);
}
