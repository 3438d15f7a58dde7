using System.Text.RegularExpressions;
using Twofold.Recovery;

namespace Twofold.UnitTests.Recovery;

public sealed partial class RecoveryCodeFormatTests
{
    [GeneratedRegex("^[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}-[a-km-np-z2-9]{2}$")]
    private static partial Regex CodeShape();

    [Fact]
    public void NewCode_HasShapeAndIsRandom()
    {
        var codes = Enumerable.Range(0, 200).Select(_ => RecoveryCodes.NewCode()).ToList();
        Assert.All(codes, c => Assert.Matches(CodeShape(), c));
        Assert.Equal(codes.Count, codes.Distinct().Count());
    }

    [Theory]
    [InlineData("abcd-efgh-jk", "abcdefghjk")]
    [InlineData(" ABCD EFGH JK ", "abcdefghjk")]
    [InlineData("abcdefghjk", "abcdefghjk")]
    public void Normalize_AcceptsCaseSpacesAndDashes(string input, string expected) =>
        Assert.Equal(expected, RecoveryCodes.Normalize(input));

    [Theory]
    [InlineData("")]
    [InlineData("abcd-efgh-j")]
    [InlineData("abcd-efgh-jkm")]
    [InlineData("abcd-efgh-j0")] // 0, 1, l and o are not in the alphabet
    [InlineData("abcd-efgh-jl")]
    [InlineData("123456")]
    [InlineData("ａbcd-efgh-jk")] // full-width letter
    public void Normalize_RefusesOtherInput(string input) =>
        Assert.Null(RecoveryCodes.Normalize(input));
}
