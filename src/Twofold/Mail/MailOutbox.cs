using Microsoft.AspNetCore.DataProtection;
using Twofold.Data;

namespace Twofold.Mail;

/// <summary>
/// Adds mails to the outbox table through the caller's <see cref="TwofoldDbContext"/>, so the mail
/// is committed by the same SaveChanges (one transaction) as the change that causes it.
/// </summary>
public sealed class MailOutbox(IDataProtectionProvider provider, TimeProvider time)
{
    private readonly IDataProtector protector = provider.CreateProtector(ProtectorPurpose);

    public const string ProtectorPurpose = "Twofold.OutboxBody.v1";

    public OutboxMessage Enqueue(TwofoldDbContext db, Email email, int? operatorId = null, Guid? userId = null)
    {
        if (email.ToAddress.AsSpan().IndexOfAny('\r', '\n') >= 0 || email.Subject.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            // Header injection guard; MimeKit would encode it, but such input is a bug upstream.
            throw new ArgumentException("Mail recipient and subject must be single-line.", nameof(email));
        }

        var now = time.GetUtcNow();
        var message = new OutboxMessage
        {
            Kind = email.Kind,
            ToAddress = email.ToAddress,
            Subject = email.Subject,
            ProtectedTextBody = protector.Protect(email.TextBody),
            ProtectedHtmlBody = protector.Protect(email.HtmlBody),
            Status = OutboxStatus.Queued,
            CreatedAt = now,
            NextAttemptAt = now,
            OperatorId = operatorId,
            UserId = userId,
        };
        db.Outbox.Add(message);
        return message;
    }

    public string UnprotectBody(string protectedBody) => protector.Unprotect(protectedBody);
}
