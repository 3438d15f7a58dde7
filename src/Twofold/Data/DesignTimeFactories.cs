using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Twofold.Data;

/// <summary>Used only by `dotnet ef migrations add`: each provider's migrations are made from its own context.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteTwofoldDbContext>
{
    public SqliteTwofoldDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteTwofoldDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresTwofoldDbContext>
{
    public PostgresTwofoldDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresTwofoldDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
