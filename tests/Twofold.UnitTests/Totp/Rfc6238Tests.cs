using System.Text;
using Twofold.Totp;

namespace Twofold.UnitTests.Totp;

public sealed class Rfc6238Tests
{
    // RFC 6238 Appendix B: the seed "12345678901234567890" repeated to the hash's block-friendly length.
    private static readonly byte[] Sha1Key = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly byte[] Sha256Key = Encoding.ASCII.GetBytes("12345678901234567890123456789012");
    private static readonly byte[] Sha512Key = Encoding.ASCII.GetBytes(
        "1234567890123456789012345678901234567890123456789012345678901234");

    private static byte[] KeyFor(TotpHash hash) => hash switch
    {
        TotpHash.Sha1 => Sha1Key,
        TotpHash.Sha256 => Sha256Key,
        _ => Sha512Key,
    };

    [Theory]
    [InlineData(59L, "94287082", TotpHash.Sha1)]
    [InlineData(59L, "46119246", TotpHash.Sha256)]
    [InlineData(59L, "90693936", TotpHash.Sha512)]
    [InlineData(1111111109L, "07081804", TotpHash.Sha1)]
    [InlineData(1111111109L, "68084774", TotpHash.Sha256)]
    [InlineData(1111111109L, "25091201", TotpHash.Sha512)]
    [InlineData(1111111111L, "14050471", TotpHash.Sha1)]
    [InlineData(1111111111L, "67062674", TotpHash.Sha256)]
    [InlineData(1111111111L, "99943326", TotpHash.Sha512)]
    [InlineData(1234567890L, "89005924", TotpHash.Sha1)]
    [InlineData(1234567890L, "91819424", TotpHash.Sha256)]
    [InlineData(1234567890L, "93441116", TotpHash.Sha512)]
    [InlineData(2000000000L, "69279037", TotpHash.Sha1)]
    [InlineData(2000000000L, "90698825", TotpHash.Sha256)]
    [InlineData(2000000000L, "38618901", TotpHash.Sha512)]
    [InlineData(20000000000L, "65353130", TotpHash.Sha1)]
    [InlineData(20000000000L, "77737706", TotpHash.Sha256)]
    [InlineData(20000000000L, "47863826", TotpHash.Sha512)]
    public void ComputeCode_AppendixBVector_Matches(long unixSeconds, string expected, TotpHash hash)
    {
        var step = Rfc6238.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

        var code = Rfc6238.ComputeCode(KeyFor(hash), step, digits: 8, hash);

        Assert.Equal(expected, code.ToString("D8", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(59L, 287082)]
    [InlineData(1111111109L, 81804)]
    [InlineData(1111111111L, 50471)]
    [InlineData(1234567890L, 5924)]
    [InlineData(2000000000L, 279037)]
    [InlineData(20000000000L, 353130)]
    public void ComputeCode_SixDigits_IsLastSixDigitsOfTheVector(long unixSeconds, int expected)
    {
        var step = Rfc6238.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

        Assert.Equal(expected, Rfc6238.ComputeCode(Sha1Key, step));
    }

    // RFC 4226 Appendix D: HOTP values for counters 0-9 are TOTP codes of steps 0-9.
    [Theory]
    [InlineData(0L, 755224)]
    [InlineData(1L, 287082)]
    [InlineData(2L, 359152)]
    [InlineData(3L, 969429)]
    [InlineData(4L, 338314)]
    [InlineData(5L, 254676)]
    [InlineData(6L, 287922)]
    [InlineData(7L, 162583)]
    [InlineData(8L, 399871)]
    [InlineData(9L, 520489)]
    public void ComputeCode_Rfc4226Counter_Matches(long step, int expected) =>
        Assert.Equal(expected, Rfc6238.ComputeCode(Sha1Key, step));

    [Theory]
    [InlineData(0L, 0L)]
    [InlineData(29L, 0L)]
    [InlineData(30L, 1L)]
    [InlineData(59L, 1L)]
    [InlineData(1111111109L, 37037036L)]
    public void StepAt_DividesUnixTimeBy30(long unixSeconds, long expected) =>
        Assert.Equal(expected, Rfc6238.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));

    [Theory]
    [InlineData(5)]
    [InlineData(9)]
    public void ComputeCode_UnsupportedDigits_Throws(int digits) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Rfc6238.ComputeCode(Sha1Key, 1, digits));
}
