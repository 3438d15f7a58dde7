using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Twofold.Totp;

/// <summary>
/// Checks a code against the acceptance window around "now". It always computes every step of
/// the window and compares in constant time, so a wrong code costs exactly as much as a right one.
/// Replay protection (a step used once is never accepted again) is the caller's job, because it
/// needs the store: see <c>TwoFactorVerifier</c>.
/// </summary>
public sealed class TotpVerifier(IOptions<TotpOptions> options, TimeProvider time)
{
    public long CurrentStep => Rfc6238.StepAt(time.GetUtcNow());

    public TotpOptions Options => options.Value;

    /// <summary>Returns the latest matching step of the window, or null when none matches.</summary>
    public long? Verify(ReadOnlySpan<byte> secret, int code) =>
        Verify(secret, code, CurrentStep, options.Value.PastSteps, options.Value.FutureSteps);

    public static long? Verify(ReadOnlySpan<byte> secret, int code, long currentStep, int pastSteps, int futureSteps)
    {
        Span<byte> expected = stackalloc byte[4];
        Span<byte> actual = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(actual, code);

        long? matched = null;
        for (var step = currentStep - pastSteps; step <= currentStep + futureSteps; step++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(expected, Rfc6238.ComputeCode(secret, step));
            // No early exit and no branch on the secret-derived value beyond a conditional move.
            var equal = CryptographicOperations.FixedTimeEquals(expected, actual);
            matched = equal ? step : matched;
        }

        return matched;
    }

    /// <summary>A new secret of 160 random bits (RFC 4226 recommends at least that).</summary>
    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(20);
}
