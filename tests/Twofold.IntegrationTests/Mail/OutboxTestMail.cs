using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Twofold.Data;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.Mail;

namespace Twofold.IntegrationTests.Mail;

/// <summary>A mail with a unique recipient and a unique "secret" link, to find it in the sink, the database and the logs.</summary>
public sealed record OutboxTestMail(string ToAddress, string SecretLink, Email Email)
{
    public static OutboxTestMail Create(string kind = "test-mail")
    {
        var id = Guid.NewGuid().ToString("N");
        var to = $"u{id[..12]}@mail.test";
        var link = $"http://localhost/pair?token=secret{id}";
        var email = new Email(
            kind, to, $"Test mail {id[..8]}",
            $"Hello,\nyour link: {link}\nBye.",
            $"<p>Hello,</p><p><a href=\"{link}\">Pair</a></p>");
        return new OutboxTestMail(to, link, email);
    }
}

public static class OutboxTestExtensions
{
    /// <summary>Queues a mail the way app code does: MailOutbox.Enqueue, then SaveChanges. Returns the row id.</summary>
    public static Task<long> EnqueueAsync(this TwofoldFactory factory, Email email, int? operatorId = null) =>
        factory.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<TwofoldDbContext>();
            var message = sp.GetRequiredService<MailOutbox>().Enqueue(db, email, operatorId);
            await db.SaveChangesAsync();
            return message.Id;
        });

    public static Task<OutboxMessage> OutboxRowAsync(this TwofoldFactory factory, long id) =>
        factory.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == id));

    public static Task<OutboxMessage> WaitForOutboxRowAsync(this TwofoldFactory factory, long id, Func<OutboxMessage, bool> condition, string what) =>
        Eventually.MatchAsync(() => factory.OutboxRowAsync(id), condition, $"outbox row {id}: {what}");
}
