using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Identity;
using OtpNet;
using Twofold.Totp;

namespace Twofold.Benchmarks;

public enum CodeCase
{
    Right,
    Wrong,
}

/// <summary>
/// One code checked against the window "current step + previous step", as Twofold does at sign-in.
/// The right code is the current step's (the common case); the wrong code matches no step.
/// </summary>
[MemoryDiagnoser]
public class TotpVerifyBenchmarks
{
    private const int PastSteps = 1;

    // RFC 6238 appendix B's SHA1 seed: 20 bytes, the size of secret Twofold issues.
    private static readonly byte[] Secret = "12345678901234567890"u8.ToArray();

    private long step;
    private int code;
    private string codeText = "";
    private DateTime stepStart;
    private OtpNet.Totp otpNet = null!;
    private readonly VerificationWindow otpNetWindow = new(previous: PastSteps, future: 0);
    private UserManager<BenchUser> userManager = null!;
    private readonly AuthenticatorTokenProvider<BenchUser> identity = new();
    private readonly BenchUser user = new();

    [Params(CodeCase.Right, CodeCase.Wrong)]
    public CodeCase Code { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Identity's provider reads the wall clock and walks steps -2..+2, stopping at a match, so its
        // cost for a right code depends on where "now" is. Start early in a fresh step so the whole
        // case (a few seconds) runs inside it, matching at its third step.
        var now = DateTimeOffset.UtcNow;
        var left = TotpOptions.StepSeconds - (now.ToUnixTimeSeconds() % TotpOptions.StepSeconds);
        if (Code == CodeCase.Right && left < 15)
        {
            Thread.Sleep(TimeSpan.FromSeconds(left + 0.2));
            now = DateTimeOffset.UtcNow;
        }

        step = Rfc6238.StepAt(now);
        stepStart = DateTimeOffset.FromUnixTimeSeconds(step * TotpOptions.StepSeconds).UtcDateTime;
        var right = Rfc6238.ComputeCode(Secret, step);
        code = Code == CodeCase.Right ? right : WrongCode(right);
        codeText = code.ToString("D6", CultureInfo.InvariantCulture);

        otpNet = new OtpNet.Totp(Secret);
        userManager = BenchUserManager.Create(OtpAuthUri.Base32(Secret));

        if (Verify() != (Code == CodeCase.Right) || OtpNet() != (Code == CodeCase.Right)
            || Identity() != (Code == CodeCase.Right) || Floor() != (Code == CodeCase.Right))
        {
            throw new InvalidOperationException($"A verifier disagrees about the {Code} code.");
        }
    }

    /// <summary>The floor: two one-shot HMAC-SHA1 calls into a stack buffer and dynamic truncation.</summary>
    [Benchmark(Baseline = true)]
    public bool Floor()
    {
        Span<byte> counter = stackalloc byte[8];
        Span<byte> mac = stackalloc byte[HMACSHA1.HashSizeInBytes];
        var matched = false;
        for (var s = step - PastSteps; s <= step; s++)
        {
            BinaryPrimitives.WriteInt64BigEndian(counter, s);
            HMACSHA1.HashData(Secret, counter, mac);
            var offset = mac[^1] & 0x0F;
            matched |= (BinaryPrimitives.ReadInt32BigEndian(mac[offset..]) & 0x7FFF_FFFF) % 1_000_000 == code;
        }

        return matched;
    }

    /// <summary>Twofold: every step of the window, constant-time compare.</summary>
    [Benchmark]
    public bool Verify() => TotpVerifier.Verify(Secret, code, step, PastSteps, futureSteps: 0) is not null;

    /// <summary>Sign-in's window with a learned clock offset of 0 (a phone in sync): must cost what <see cref="Verify"/> does.</summary>
    [Benchmark]
    public bool VerifyLearnedInSync() => ClockDrift.VerifyLearned(Secret, code, step, offset: 0, PastSteps, futureSteps: 0) is not null;

    /// <summary>A phone with a learned offset of +2 steps: the usual window plus the same window around the phone's clock.</summary>
    [Benchmark]
    public bool VerifyLearnedDrifted() => ClockDrift.VerifyLearned(Secret, code, step, offset: 2, PastSteps, futureSteps: 0) is not null;

    [Benchmark]
    public bool OtpNet() => otpNet.VerifyTotp(stepStart, codeText, out _, otpNetWindow);

    /// <summary>Identity's public path: key from the store, Base32 decode, steps -2..+2 (fixed by Identity).</summary>
    [Benchmark]
    public bool Identity() => identity.ValidateAsync("TwoFactor", codeText, userManager, user).GetAwaiter().GetResult();

    private static int WrongCode(int right) => (right + 500_000) % 1_000_000;
}
