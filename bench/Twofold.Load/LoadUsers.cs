using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Twofold.Load;

/// <summary>
/// The deterministic users both apps are seeded with: user i has a known login, password and
/// authenticator secret, so the driver computes codes client-side without reading the database.
/// </summary>
internal static class LoadUsers
{
    public const string OperatorCode = "LOAD";
    public const string Password = "Load-test-password-1";
    private static readonly byte[] SecretKey = "twofold-load-secrets"u8.ToArray();

    public static string Login(int i) => $"u{i:D6}";

    public static string Email(int i) => $"u{i:D6}@load.test";

    public static byte[] Secret(int i)
    {
        Span<byte> index = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(index, i);
        return HMACSHA256.HashData(SecretKey, index)[..20];
    }

    public static long Step(DateTimeOffset now) => now.ToUnixTimeSeconds() / 30;

    /// <summary>RFC 6238 with HMAC-SHA1, 30-s steps, 6 digits (what both apps verify).</summary>
    public static string Code(byte[] secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // RFC 6238 authenticator codes are HMAC-SHA1 by definition.
        HMACSHA1.HashData(secret, counter, hash);
#pragma warning restore CA5350
        var offset = hash[19] & 0x0f;
        var value = (BinaryPrimitives.ReadInt32BigEndian(hash[offset..]) & 0x7fffffff) % 1_000_000;
        return value.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>RFC 4648 base32 without padding, as Identity stores the AuthenticatorKey.</summary>
    public static string Base32(byte[] data)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var chars = new System.Text.StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                chars.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            chars.Append(alphabet[(buffer << (5 - bits)) & 31]);
        }

        return chars.ToString();
    }
}
