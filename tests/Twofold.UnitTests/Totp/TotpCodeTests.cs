using Twofold.Totp;

namespace Twofold.UnitTests.Totp;

public sealed class TotpCodeTests
{
    [Theory]
    [InlineData("123456", 123456)]
    [InlineData("000042", 42)]
    [InlineData("  654321  ", 654321)]
    [InlineData("\t987654\n", 987654)]
    public void TryParse_SixAsciiDigits_ParsesAfterTrimming(string input, int expected)
    {
        Assert.True(TotpCode.TryParse(input, out var code));
        Assert.Equal(expected, code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("      ")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12345a")]
    [InlineData("abcdef")]
    [InlineData("123 456")]
    [InlineData("-12345")]
    [InlineData("+12345")]
    [InlineData("１２３４５６")] // full-width
    [InlineData("١٢٣٤٥٦")] // Arabic-Indic
    [InlineData("۱۲۳۴۵۶")] // Extended Arabic-Indic (Persian)
    public void TryParse_AnythingElse_IsRefused(string? input)
    {
        Assert.False(TotpCode.TryParse(input, out var code));
        Assert.Equal(0, code);
    }
}
