using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;

namespace Twofold.Mail;

public sealed class SmtpOptions
{
    public const string SectionName = "Smtp";

    /// <summary>SMTP server. Empty: mails stay in the outbox and show on /dev/mailbox (Development only).</summary>
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    [Required]
    [EmailAddress]
    public string From { get; set; } = "twofold@localhost";

    public string FromName { get; set; } = "Twofold";

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>None, Auto, SslOnConnect, StartTls or StartTlsWhenAvailable (MailKit's SecureSocketOptions).</summary>
    public MailKit.Security.SecureSocketOptions Security { get; set; } = MailKit.Security.SecureSocketOptions.Auto;

    /// <summary>How often the outbox is looked at when no new mail wakes the sender.</summary>
    [Range(0.05, 3600)]
    public double PollSeconds { get; set; } = 5;

    /// <summary>Attempts before a mail is marked failed (visible to administrators, can be resent).</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>First retry delay; doubles per attempt up to <see cref="MaxRetrySeconds"/>.</summary>
    [Range(1, 3600)]
    public int FirstRetrySeconds { get; set; } = 10;

    [Range(1, 86400)]
    public int MaxRetrySeconds { get; set; } = 900;

    [Range(1, 1000)]
    public int BatchSize { get; set; } = 50;

    /// <summary>
    /// How long a claim protects a batch from other nodes. Longer than a batch can take
    /// (connect, then one send per message, each bounded by the client timeout), so a slow
    /// batch is not sent twice; short enough that a crashed node's claimed mail is retried soon.
    /// </summary>
    [Range(1, 86400)]
    public int ClaimLeaseSeconds { get; set; } = 600;

    public TimeSpan ClaimLease => TimeSpan.FromSeconds(ClaimLeaseSeconds);

    [MemberNotNullWhen(true, nameof(Host))]
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}
