using Twofold.Users;

namespace Twofold.UnitTests.Users;

public sealed class AccountRulesTests
{
    [Theory]
    [InlineData("ACME")]
    [InlineData("ac")]
    [InlineData("Acme-Air_2")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")] // 32
    public void IsValidOperatorCode_Accepts(string code) => Assert.True(AccountRules.IsValidOperatorCode(code));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("A")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456")] // 33
    [InlineData("AC ME")]
    [InlineData("AC/ME")]
    [InlineData("ÄCME")]
    [InlineData("ACME\n")]
    public void IsValidOperatorCode_Refuses(string? code) => Assert.False(AccountRules.IsValidOperatorCode(code));

    [Theory]
    [InlineData("jdoe")]
    [InlineData("j")]
    [InlineData("j.doe_1-x@acme")]
    public void IsValidLogin_Accepts(string login) => Assert.True(AccountRules.IsValidLogin(login));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("j doe")]
    [InlineData("acme/jdoe")]
    [InlineData("jödoe")]
    [InlineData("jdoe\n")]
    public void IsValidLogin_Refuses(string? login) => Assert.False(AccountRules.IsValidLogin(login));

    [Fact]
    public void IsValidLogin_LengthLimit()
    {
        Assert.True(AccountRules.IsValidLogin(new string('a', AccountRules.MaxLoginLength)));
        Assert.False(AccountRules.IsValidLogin(new string('a', AccountRules.MaxLoginLength + 1)));
    }

    [Theory]
    [InlineData("jdoe@acme.test")]
    [InlineData("jane.doe+2fa@sub.acme.test")]
    public void IsValidEmail_Accepts(string email) => Assert.True(AccountRules.IsValidEmail(email));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("jdoe")]
    [InlineData("@acme.test")]
    [InlineData("jdoe@")]
    [InlineData("j doe@acme.test")]
    [InlineData("jdoe@acme.test, eve@evil.test")]
    [InlineData("Jane <jdoe@acme.test>")]
    [InlineData("jdoe@acme.test\r\nBcc: eve@evil.test")]
    public void IsValidEmail_Refuses(string? email) => Assert.False(AccountRules.IsValidEmail(email));

    [Fact]
    public void IsValidEmail_LengthLimit()
    {
        // Labels of 61 characters keep every part valid on its own: only the total length decides.
        var labels = string.Concat(Enumerable.Repeat(new string('a', 61) + ".", 4));
        var longest = "jdoe@" + labels + "t";

        Assert.Equal(AccountRules.MaxEmailLength, longest.Length);
        Assert.True(AccountRules.IsValidEmail(longest));
        Assert.False(AccountRules.IsValidEmail(longest + "t"));
    }
}
