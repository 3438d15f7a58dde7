using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Twofold.Totp;

public enum TotpHash
{
    Sha1,
    Sha256,
    Sha512,
}

/// <summary>
/// The RFC 6238 / RFC 4226 code for one time step: HMAC over the big-endian step counter,
/// dynamic truncation, modulo 10^digits. Allocation-free (one-shot HMAC into a stack buffer).
/// </summary>
public static class Rfc6238
{
    private static readonly int[] PowersOfTen = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

    public static long StepAt(DateTimeOffset instant, int stepSeconds = TotpOptions.StepSeconds) =>
        instant.ToUnixTimeSeconds() / stepSeconds;

    public static int ComputeCode(ReadOnlySpan<byte> key, long step, int digits = TotpOptions.Digits, TotpHash hash = TotpHash.Sha1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 6);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 8);

        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> mac = stackalloc byte[64];
        var length = hash switch
        {
#pragma warning disable CA5350 // RFC 6238 with SHA1 is what Google Authenticator implements; HMAC-SHA1 is not broken.
            TotpHash.Sha1 => HMACSHA1.HashData(key, counter, mac),
#pragma warning restore CA5350
            TotpHash.Sha256 => HMACSHA256.HashData(key, counter, mac),
            _ => HMACSHA512.HashData(key, counter, mac),
        };

        // Dynamic truncation (RFC 4226 section 5.3).
        var offset = mac[length - 1] & 0x0F;
        var binary = (BinaryPrimitives.ReadInt32BigEndian(mac.Slice(offset, 4)) & 0x7FFF_FFFF);
        return binary % PowersOfTen[digits];
    }
}
