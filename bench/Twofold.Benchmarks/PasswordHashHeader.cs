using System.Buffers.Binary;

namespace Twofold.Benchmarks;

/// <summary>
/// Reads the header Identity's PasswordHasher writes in its V3 format:
/// 0x01, then big-endian PRF, iteration count and salt length, then salt and subkey.
/// </summary>
internal static class PasswordHashHeader
{
    public static string Describe(ReadOnlySpan<byte> hash)
    {
        if (hash.Length < 13 || hash[0] != 0x01)
        {
            return $"not V3 (format marker 0x{(hash.IsEmpty ? 0 : hash[0]):X2})";
        }

        var prf = BinaryPrimitives.ReadUInt32BigEndian(hash[1..]) switch
        {
            0 => "HMAC-SHA1",
            1 => "HMAC-SHA256",
            2 => "HMAC-SHA512",
            var other => $"PRF {other}",
        };
        var iterations = BinaryPrimitives.ReadUInt32BigEndian(hash[5..]);
        var saltLength = (int)BinaryPrimitives.ReadUInt32BigEndian(hash[9..]);
        var subkeyLength = hash.Length - 13 - saltLength;
        return $"V3, PBKDF2-{prf}, {iterations:N0} iterations, {saltLength}-byte salt, {subkeyLength}-byte subkey";
    }
}
