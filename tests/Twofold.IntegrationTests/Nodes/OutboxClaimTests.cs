using Microsoft.Extensions.DependencyInjection;
using Twofold.Data;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.IntegrationTests.Mail;
using Twofold.Mail;

namespace Twofold.IntegrationTests.Nodes;

/// <summary>PostgreSQL claiming: dispatchers asking at the same instant get disjoint batches covering every due mail.</summary>
public sealed class OutboxClaimTests
{
    [PostgresFact]
    public async Task ConcurrentClaims_OnPostgres_AreDisjoint_AndCoverEveryDueMail()
    {
        await using var factory = new QuietPostgresFactory();
        await factory.InitializeAsync();
        var ids = await factory.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<TwofoldDbContext>();
            var outbox = sp.GetRequiredService<MailOutbox>();
            var rows = Enumerable.Range(0, 300).Select(_ => outbox.Enqueue(db, OutboxTestMail.Create("claim-test").Email)).ToList();
            await db.SaveChangesAsync();
            return rows.Select(r => r.Id).ToHashSet();
        });

        // Eight "nodes" claim batches of 25 at once, each until it gets nothing.
        var now = factory.Time.GetUtcNow();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var claimers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            var mine = new List<long>();
            while (true)
            {
                await using var scope = factory.Services.CreateAsyncScope();
                var claim = await scope.ServiceProvider.GetRequiredService<OutboxStore>().ClaimSkippingLockedAsync(now, 25, CancellationToken.None);
                if (claim.Messages.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(claim.Messages.Select(m => m.Id));
            }
        })).ToList();
        start.SetResult();
        var claimed = (await Task.WhenAll(claimers)).SelectMany(c => c).ToList();

        Assert.Equal(claimed.Count, claimed.Distinct().Count());
        Assert.True(ids.SetEquals(claimed), $"claimed {claimed.Count} of {ids.Count}");
    }

    /// <summary>PostgreSQL whatever TEST_DB_PROVIDER says, and no dispatcher of its own (no SMTP host).</summary>
    private sealed class QuietPostgresFactory : TwofoldFactory
    {
        protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreatePostgresAsync();

        protected override void AddSettings(IDictionary<string, string?> settings)
        {
            base.AddSettings(settings);
            settings["Smtp:Host"] = string.Empty;
        }
    }
}
