using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Twofold.Audit;

/// <summary>Table shape of <see cref="AuditEvent"/>; no foreign keys, so audit rows outlive users and operators.</summary>
public sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.ToTable("AuditEvents");
        builder.Property(a => a.Type).HasConversion<string>().HasMaxLength(40);
        builder.Property(a => a.Login).HasMaxLength(AuditEvent.LoginMaxLength);
        builder.Property(a => a.ActorLogin).HasMaxLength(AuditEvent.LoginMaxLength);
        builder.Property(a => a.ClientIp).HasMaxLength(AuditEvent.ClientIpMaxLength);
        builder.Property(a => a.UserAgent).HasMaxLength(AuditEvent.UserAgentMaxLength);
        builder.Property(a => a.Detail).HasMaxLength(AuditEvent.DetailMaxLength);
        builder.HasIndex(a => new { a.OperatorId, a.At });
        builder.HasIndex(a => a.At);
    }
}
