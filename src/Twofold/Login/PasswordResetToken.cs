using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Twofold.Data;

namespace Twofold.Login;

/// <summary>
/// The token of a "Forgot password?" link: 256 random bits, only the SHA-256 hash stored. It works once,
/// for <see cref="PasswordResetService.Lifetime"/>, and only while the account's security stamp is the one
/// it was issued under — so any password change or reset voids every open link.
/// </summary>
public sealed class PasswordResetToken
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public TwofoldUser User { get; set; } = null!;

    public required byte[] TokenHash { get; set; }

    /// <summary>The user's security stamp when the link was issued.</summary>
    public required string SecurityStamp { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }

    /// <summary>Set when a newer link was requested.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}

public sealed class PasswordResetTokenConfiguration : IEntityTypeConfiguration<PasswordResetToken>
{
    public void Configure(EntityTypeBuilder<PasswordResetToken> builder)
    {
        builder.ToTable("PasswordResetTokens");
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasIndex(t => t.UserId);
        builder.Property(t => t.TokenHash).HasMaxLength(32);
        builder.Property(t => t.SecurityStamp).HasMaxLength(256);
        builder.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
