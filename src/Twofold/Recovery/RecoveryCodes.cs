using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Twofold.Data;
using Twofold.Login;

namespace Twofold.Recovery;

public enum RedeemOutcome
{
    Accepted,
    Wrong,
    LockedOut,
}

public sealed record RedeemResult(RedeemOutcome Outcome, int Remaining = 0, DateTimeOffset? LockedUntil = null);

/// <summary>
/// Ten single-use recovery codes per user, for the day the phone is gone. Codes are 10 characters of a
/// 32-letter alphabet (50 bits, <see cref="RandomNumberGenerator"/>), shown once, stored only as
/// HMAC-SHA256 under a per-code random salt and compared in constant time. A code is spent by one
/// conditional UPDATE, so two requests with the same code cannot both succeed.
/// </summary>
public sealed class RecoveryCodes(TwofoldDbContext db, TwoFactorVerifier codes, TimeProvider time)
{
    public const int SetSize = 10;

    public const string FormatError = "Enter a recovery code like abcd-efgh-jk (10 letters and digits; dashes and spaces are optional).";

    // 32 symbols (5 bits each) without the look-alikes l, o, 0 and 1.
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    private const int Length = 10;

    public static string NewCode()
    {
        var raw = RandomNumberGenerator.GetString(Alphabet, Length);
        return $"{raw[..4]}-{raw[4..8]}-{raw[8..]}";
    }

    /// <summary>The 10 significant characters, lower case, or null when the input cannot be a code.</summary>
    public static string? Normalize(string? input)
    {
        if (string.IsNullOrWhiteSpace(input) || input.Length > 32)
        {
            return null;
        }

        var builder = new StringBuilder(Length);
        foreach (var c in input)
        {
            if (c is '-' or ' ')
            {
                continue;
            }

            var lower = char.ToLowerInvariant(c);
            if (!Alphabet.Contains(lower, StringComparison.Ordinal))
            {
                return null;
            }

            builder.Append(lower);
        }

        return builder.Length == Length ? builder.ToString() : null;
    }

    public static bool LooksLikeRecoveryCode(string? input) => Normalize(input) is not null;

    private static byte[] HashOf(byte[] salt, string normalized) => HMACSHA256.HashData(salt, Encoding.ASCII.GetBytes(normalized));

    /// <summary>
    /// Voids the user's codes and adds a new set on the caller's context. The old rows are deleted at
    /// once (the caller's transaction, if any, covers it); the new ones are saved by the caller's SaveChanges.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReplaceAsync(Guid userId, CancellationToken ct = default)
    {
        await db.RecoveryCodes.Where(c => c.UserId == userId).ExecuteDeleteAsync(ct);
        var now = time.GetUtcNow();
        var plain = new List<string>(SetSize);
        for (var i = 0; i < SetSize; i++)
        {
            var code = NewCode();
            var salt = RandomNumberGenerator.GetBytes(16);
            db.RecoveryCodes.Add(new RecoveryCode { UserId = userId, Salt = salt, Hash = HashOf(salt, Normalize(code)!), CreatedAt = now });
            plain.Add(code);
        }

        return plain;
    }

    public Task<int> RemainingAsync(Guid userId, CancellationToken ct = default) =>
        db.RecoveryCodes.CountAsync(c => c.UserId == userId && c.UsedAt == null, ct);

    /// <summary>Spends one code. Wrong codes count towards the same lockout as wrong authentication codes.</summary>
    public async Task<RedeemResult> RedeemAsync(Guid userId, string? input, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var lockedUntil = await db.Users.Where(u => u.Id == userId).Select(u => u.CodeLockoutEnd).SingleAsync(ct);
        if (lockedUntil > now)
        {
            return new RedeemResult(RedeemOutcome.LockedOut, LockedUntil: lockedUntil);
        }

        var normalized = Normalize(input);
        if (normalized is not null)
        {
            var unused = await db.RecoveryCodes.AsNoTracking()
                .Where(c => c.UserId == userId && c.UsedAt == null)
                .Select(c => new { c.Id, c.Salt, c.Hash })
                .ToListAsync(ct);
            Guid? match = null;
            foreach (var row in unused)
            {
                // Every row is hashed and compared: the time taken does not tell which one matched.
                var equal = CryptographicOperations.FixedTimeEquals(HashOf(row.Salt, normalized), row.Hash);
                match = equal ? row.Id : match;
            }

            if (match is { } id)
            {
                var spent = await db.RecoveryCodes.Where(c => c.Id == id && c.UsedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), ct);
                if (spent == 1)
                {
                    await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.CodeFailedCount, 0), ct);
                    return new RedeemResult(RedeemOutcome.Accepted, await RemainingAsync(userId, ct));
                }
            }
        }

        var failure = await codes.CountFailureAsync(userId, CodeOutcome.Wrong, ct);
        return failure.Outcome == CodeOutcome.LockedOut
            ? new RedeemResult(RedeemOutcome.LockedOut, LockedUntil: failure.LockedUntil)
            : new RedeemResult(RedeemOutcome.Wrong);
    }
}
