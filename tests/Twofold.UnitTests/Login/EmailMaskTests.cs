using Twofold.Login;

namespace Twofold.UnitTests.Login;

public sealed class EmailMaskTests
{
    [Theory]
    [InlineData("jdoe@acme.test", "j***@acme.test")]
    [InlineData("j@acme.test", "j***@acme.test")]
    [InlineData("Jane.Doe@sub.acme.test", "J***@sub.acme.test")]
    public void Mask_KeepsFirstCharacterAndDomain(string email, string expected) =>
        Assert.Equal(expected, EmailMask.Mask(email));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("@acme.test")]
    [InlineData("no-at-sign")]
    public void Mask_UnusableAddress_RevealsNothing(string? email) => Assert.Equal("***", EmailMask.Mask(email));
}
