using Microsoft.EntityFrameworkCore;

namespace Twofold.Data;

/// <summary>PostgreSQL flavour for production. Has its own migrations under Data/Migrations/Postgres.</summary>
public sealed class PostgresTwofoldDbContext(DbContextOptions<PostgresTwofoldDbContext> options) : TwofoldDbContext(options);
