using Microsoft.EntityFrameworkCore;

namespace Twofold.Data;

/// <summary>PostgreSQL flavour for production. Has its own migrations under Data/Migrations/Postgres.</summary>
public sealed class PostgresTwofoldDbContext(DbContextOptions<PostgresTwofoldDbContext> options) : TwofoldDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        // UserDirectory searches these upper-cased columns as ranges (>= prefix, < prefix + U+FFFF). That is a
        // prefix match only in byte order: under a server locale such as en_US, '/' and '_' are ignored at the
        // first comparison level and a range would take in other operators' users. "C" also lets the
        // unique index serve the range, as SQLite's default (binary) collation does.
        builder.Entity<TwofoldUser>().Property(u => u.NormalizedUserName).UseCollation("C");
        builder.Entity<TwofoldUser>().Property(u => u.NormalizedEmail).UseCollation("C");
    }
}
