using Npgsql;
using Twofold.Data;

namespace Twofold.UnitTests.Data;

public sealed class PostgresConnectionStringTests
{
    private const string Base = "Host=127.0.0.1;Port=5432;Database=twofold;Username=twofold;Password=secret";

    [Fact]
    public void WithoutMaxAutoPrepare_TheOptionIsApplied()
    {
        var result = new NpgsqlConnectionStringBuilder(DataServiceCollectionExtensions.PostgresConnectionString(Base, 64));

        Assert.Equal(64, result.MaxAutoPrepare);
        Assert.Equal("twofold", result.Database);
        Assert.Equal("secret", result.Password);
    }

    [Theory]
    [InlineData("Max Auto Prepare=0", 0)]
    [InlineData("maxautoprepare=10", 10)]
    [InlineData("MAX AUTO PREPARE = 200", 200)]
    public void ASettingInTheConnectionString_Wins(string setting, int expected)
    {
        var result = new NpgsqlConnectionStringBuilder(DataServiceCollectionExtensions.PostgresConnectionString($"{Base};{setting}", 64));

        Assert.Equal(expected, result.MaxAutoPrepare);
    }

    [Fact]
    public void ZeroInTheOption_TurnsItOff()
    {
        var result = new NpgsqlConnectionStringBuilder(DataServiceCollectionExtensions.PostgresConnectionString(Base, 0));

        Assert.Equal(0, result.MaxAutoPrepare);
    }
}
