using System.Text;
using Twofold.Totp;

namespace Twofold.UnitTests.Totp;

public sealed class OtpAuthUriTests
{
    private static readonly byte[] Secret = Encoding.ASCII.GetBytes("12345678901234567890");

    [Fact]
    public void Create_HasTheExactKeyUriFormat() =>
        Assert.Equal(
            "otpauth://totp/Twofold:ACME%2Fjdoe?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Twofold&algorithm=SHA1&digits=6&period=30",
            OtpAuthUri.Create("Twofold", "ACME", "jdoe", Secret));

    [Fact]
    public void Create_EscapesIssuerAndLabelParts() =>
        Assert.Equal(
            "otpauth://totp/Acme%20Air:ACME%2Fj.doe%40x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme%20Air&algorithm=SHA1&digits=6&period=30",
            OtpAuthUri.Create("Acme Air", "ACME", "j.doe@x", Secret));

    [Theory]
    [InlineData(16, 26)] // Base32 of 16 bytes would end in "======"
    [InlineData(10, 16)]
    [InlineData(20, 32)]
    public void Base32_HasNoPadding(int bytes, int expectedLength)
    {
        var base32 = OtpAuthUri.Base32(new byte[bytes]);

        Assert.Equal(expectedLength, base32.Length);
        Assert.DoesNotContain('=', base32);
        Assert.Equal(new string('A', expectedLength), base32);
    }

    [Fact]
    public void GroupedBase32_SplitsIntoGroupsOfFour() =>
        Assert.Equal("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ", OtpAuthUri.GroupedBase32(Secret));

    [Fact]
    public void GroupedBase32_LastGroupMayBeShorter() =>
        Assert.Equal("AAAA AAAA AAAA AAAA AAAA AAAA AA", OtpAuthUri.GroupedBase32(new byte[16]));
}
