using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Twofold.Data;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.Mail;

namespace Twofold.IntegrationTests.Mail;

/// <summary>An app whose dispatcher polls once an hour: only the save-changes signal can make mail go out quickly.</summary>
public sealed class SlowPollFactory : TwofoldFactory
{
    protected override void AddSettings(IDictionary<string, string?> settings)
    {
        base.AddSettings(settings);
        settings["Smtp:PollSeconds"] = "3600";
    }
}

public sealed class OutboxWakeUpTests(SlowPollFactory factory) : IClassFixture<SlowPollFactory>
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task SaveChanges_WakesTheDispatcher()
    {
        var mail = OutboxTestMail.Create();

        await factory.EnqueueAsync(mail.Email);

        await factory.Smtp.WaitForMessageToAsync(mail.ToAddress, Prompt);
    }

    [Fact]
    public async Task MailInATransaction_GoesOutAfterCommit_NotBefore()
    {
        var mail = OutboxTestMail.Create();
        await factory.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<TwofoldDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync();
            sp.GetRequiredService<MailOutbox>().Enqueue(db, mail.Email);
            await db.SaveChangesAsync();

            await Task.Delay(TimeSpan.FromMilliseconds(500));
            Assert.Empty(factory.Smtp.MessagesTo(mail.ToAddress));
            await tx.CommitAsync();
        });

        await factory.Smtp.WaitForMessageToAsync(mail.ToAddress, Prompt);
    }

    [Fact]
    public async Task RolledBackMail_IsNeverSent()
    {
        var mail = OutboxTestMail.Create();
        await factory.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<TwofoldDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync();
            sp.GetRequiredService<MailOutbox>().Enqueue(db, mail.Email);
            await db.SaveChangesAsync();
            await tx.RollbackAsync();
        });

        // A later mail wakes the dispatcher; the rolled-back one must not exist to be sent.
        var next = OutboxTestMail.Create();
        await factory.EnqueueAsync(next.Email);
        await factory.Smtp.WaitForMessageToAsync(next.ToAddress, Prompt);
        Assert.Empty(factory.Smtp.MessagesTo(mail.ToAddress));
        Assert.False(await factory.WithDbAsync(db => db.Outbox.AnyAsync(m => m.ToAddress == mail.ToAddress)));
    }
}
