using System.Buffers.Text;
using System.Security.Cryptography;

namespace Twofold.Pairing;

/// <summary>128+ bit random link tokens; only the SHA-256 of the raw bytes is ever stored.</summary>
public static class PairingTokens
{
    private const int TokenBytes = 32;

    public static (string Token, byte[] Hash) Create()
    {
        var raw = RandomNumberGenerator.GetBytes(TokenBytes);
        return (Base64Url.EncodeToString(raw), SHA256.HashData(raw));
    }

    /// <summary>The stored hash of a token from a link, or null when it cannot be a token of ours.</summary>
    public static byte[]? HashOf(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 64)
        {
            return null;
        }

        Span<byte> raw = stackalloc byte[48];
        if (Base64Url.DecodeFromChars(token, raw, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != token.Length || written != TokenBytes)
        {
            return null;
        }

        return SHA256.HashData(raw[..written]);
    }
}
