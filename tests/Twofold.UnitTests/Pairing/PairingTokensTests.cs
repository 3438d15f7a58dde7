using System.Buffers.Text;
using Twofold.Pairing;

namespace Twofold.UnitTests.Pairing;

public sealed class PairingTokensTests
{
    [Fact]
    public void HashOf_CreatedToken_EqualsStoredHash()
    {
        var (token, hash) = PairingTokens.Create();

        Assert.Equal(hash, PairingTokens.HashOf(token));
        Assert.Equal(32, hash.Length);
    }

    [Fact]
    public void Create_TokenCarriesAtLeast128RandomBits()
    {
        var (token, _) = PairingTokens.Create();

        Assert.True(Base64Url.DecodeFromChars(token).Length * 8 >= 128);
        Assert.NotEqual(token, PairingTokens.Create().Token);
    }

    [Fact]
    public void Create_TokenIsUrlSafe()
    {
        var (token, _) = PairingTokens.Create();

        Assert.Matches("^[A-Za-z0-9_-]+$", token);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a token!")]
    [InlineData("%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 42 chars: 31 bytes, too short
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 48 chars: 36 bytes, too long
    public void HashOf_Garbage_IsNull(string? token) => Assert.Null(PairingTokens.HashOf(token));

    [Fact]
    public void HashOf_OverlongInput_IsNull() => Assert.Null(PairingTokens.HashOf(new string('A', 10_000)));

    [Fact]
    public void HashOf_TamperedToken_DiffersFromStoredHash()
    {
        var (token, hash) = PairingTokens.Create();
        var tampered = (token[0] == 'A' ? 'B' : 'A') + token[1..];

        Assert.NotEqual(hash, PairingTokens.HashOf(tampered));
    }
}
