using Twofold.Audit;

namespace Twofold.UnitTests.Audit;

public sealed class AuditCsvTests
{
    [Theory]
    [InlineData("=1+2", "\"'=1+2\"")]
    [InlineData("+SUM(A1)", "\"'+SUM(A1)\"")]
    [InlineData("-2", "\"'-2\"")]
    [InlineData("@cmd", "\"'@cmd\"")]
    [InlineData("\tx", "\"'\tx\"")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("plain", "\"plain\"")]
    [InlineData("a \"b\", c", "\"a \"\"b\"\", c\"")]
    [InlineData("x=1", "\"x=1\"")]
    [InlineData("", "\"\"")]
    [InlineData(null, "\"\"")]
    public void Cell_QuotesAndDefusesFormulas(string? value, string expected) => Assert.Equal(expected, AuditCsv.Cell(value));

    [Fact]
    public void Line_HasSevenQuotedCells_EndingWithCrLf()
    {
        var line = AuditCsv.Line(new AuditEvent
        {
            At = new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero), Type = AuditEventType.TwoFactorReset,
            Login = "jdoe", ActorLogin = "admin", ClientIp = "192.0.2.1", UserAgent = "-x", Detail = null,
        });
        Assert.Equal("\"2026-11-28T08:00:00Z\",\"TwoFactorReset\",\"jdoe\",\"admin\",\"192.0.2.1\",\"'-x\",\"\"\r\n", line);
    }
}
