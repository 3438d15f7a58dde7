using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Twofold.Data;

/// <summary>SQLite flavour: the embedded default. Has its own migrations under Data/Migrations/Sqlite.</summary>
public sealed class SqliteTwofoldDbContext(DbContextOptions<SqliteTwofoldDbContext> options) : TwofoldDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date type; as text, DateTimeOffset cannot be compared in SQL. All our
        // instants are UTC, so the binary form (ticks + offset) orders correctly.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}
