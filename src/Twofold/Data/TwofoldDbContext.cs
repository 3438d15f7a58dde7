using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Twofold.Audit;
using Twofold.Login;
using Twofold.Mail;
using Twofold.Settings;

namespace Twofold.Data;

/// <summary>
/// The one database of Twofold. Provider-specific subclasses (<see cref="SqliteTwofoldDbContext"/>,
/// <see cref="PostgresTwofoldDbContext"/>) exist only so each provider has its own migrations.
/// </summary>
public abstract class TwofoldDbContext(DbContextOptions options)
    : IdentityDbContext<TwofoldUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<Operator> Operators => Set<Operator>();

    public DbSet<Authenticator> Authenticators => Set<Authenticator>();

    public DbSet<PairingToken> PairingTokens => Set<PairingToken>();

    public DbSet<RecoveryCode> RecoveryCodes => Set<RecoveryCode>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<ForcePairingJob> ForcePairingJobs => Set<ForcePairingJob>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<PasswordResetToken> PasswordResetTokens => Set<PasswordResetToken>();

    /// <summary>
    /// Columns changed only by single conditional UPDATEs (replay guard, attempt counters). Identity's
    /// UserStore.UpdateAsync marks every column modified; without this guard a profile or stamp update
    /// would write back a stale step or counter read earlier in the request and reopen a replay window.
    /// </summary>
    private static readonly string[] CounterColumns =
    [
        nameof(TwofoldUser.LastAcceptedTotpStep), nameof(TwofoldUser.CodeFailedCount), nameof(TwofoldUser.CodeLockoutEnd),
        nameof(TwofoldUser.AccessFailedCount), nameof(TwofoldUser.LockoutEnd), nameof(TwofoldUser.GraceReminderDeadline),
    ];

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        KeepCountersUnlessChanged();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        KeepCountersUnlessChanged();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void KeepCountersUnlessChanged()
    {
        foreach (var entry in ChangeTracker.Entries<TwofoldUser>().Where(e => e.State == EntityState.Modified))
        {
            foreach (var name in CounterColumns)
            {
                var property = entry.Property(name);
                if (property.IsModified && Equals(property.OriginalValue, property.CurrentValue))
                {
                    property.IsModified = false;
                }
            }
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<Operator>(e =>
        {
            e.HasIndex(o => o.NormalizedCode).IsUnique();
            e.Property(o => o.Code).HasMaxLength(32);
            e.Property(o => o.NormalizedCode).HasMaxLength(32);
            e.Property(o => o.Name).HasMaxLength(200);
        });

        builder.Entity<TwofoldUser>(e =>
        {
            e.Property(u => u.Login).HasMaxLength(64);
            e.HasOne(u => u.Operator).WithMany().HasForeignKey(u => u.OperatorId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(u => new { u.OperatorId, u.Login });

            // The force fan-out walks one operator's users in id order (keyset), batch by batch.
            e.HasIndex(u => new { u.OperatorId, u.Id });
        });

        builder.Entity<Authenticator>(e =>
        {
            e.HasOne(a => a.User).WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(a => new { a.UserId, a.Status });
        });

        builder.Entity<PairingToken>(e =>
        {
            e.HasIndex(t => t.TokenHash).IsUnique();
            e.HasIndex(t => t.UserId);
            e.Property(t => t.TokenHash).HasMaxLength(32);
            e.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(t => t.Authenticator).WithMany().HasForeignKey(t => t.AuthenticatorId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<RecoveryCode>(e =>
        {
            e.HasOne(c => c.User).WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(c => new { c.UserId, c.UsedAt });
            e.Property(c => c.Salt).HasMaxLength(16);
            e.Property(c => c.Hash).HasMaxLength(32);
        });

        builder.Entity<OutboxMessage>(e =>
        {
            e.ToTable("OutboxMessages");
            e.Property(m => m.Kind).HasMaxLength(64);
            e.Property(m => m.ToAddress).HasMaxLength(256);
            e.Property(m => m.Subject).HasMaxLength(300);
            e.Property(m => m.LastError).HasMaxLength(1000);
            e.HasIndex(m => new { m.Status, m.NextAttemptAt });
        });

        builder.Entity<ForcePairingJob>(e =>
        {
            e.HasIndex(j => new { j.State, j.OperatorId });
            e.HasOne<Operator>().WithMany().HasForeignKey(j => j.OperatorId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.ApplyConfiguration(new AuditEventConfiguration());
        builder.ApplyConfiguration(new PasswordResetTokenConfiguration());
    }
}
