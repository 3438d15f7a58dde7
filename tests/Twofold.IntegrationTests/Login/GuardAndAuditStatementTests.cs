using Microsoft.EntityFrameworkCore;
using Twofold.Audit;
using Twofold.Data;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.Login;

namespace Twofold.IntegrationTests.Login;

/// <summary>
/// PostgreSQL's one-statement replay guard and audit row (<see cref="GuardAndAuditStatement"/>) on a real server:
/// the row it writes is the row EF writes, and of concurrent uses of one step exactly one wins and leaves a row.
/// </summary>
public sealed class GuardAndAuditStatementTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 10, TimeSpan.Zero);
    private const long Step = 59_000_000;

    private readonly GuardAndAuditStatement statement = new();
    private TestDatabase? database;
    private Guid userId;
    private int operatorId;

    public async Task InitializeAsync()
    {
        if (TestDatabase.PostgresServer is null)
        {
            return;
        }

        database = await TestDatabase.CreatePostgresAsync();
        await using var db = Context();
        await db.Database.MigrateAsync();
        var user = new TwofoldUser
        {
            Operator = new Operator { Code = "ACME", NormalizedCode = "ACME", Name = "Acme Air", CreatedAt = Start },
            Login = "jdoe", UserName = "ACME/jdoe", NormalizedUserName = "ACME/JDOE", SecurityStamp = "stamp", CreatedAt = Start,
        };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        (userId, operatorId) = (user.Id, user.OperatorId);
    }

    public async Task DisposeAsync()
    {
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }

    private PostgresTwofoldDbContext Context() =>
        new(new DbContextOptionsBuilder<PostgresTwofoldDbContext>().UseNpgsql(database!.ConnectionString).Options);

    // Every column set, with values that need the model's mappings (uuid, timestamptz, enum by name, Unicode, quotes).
    private AuditEvent Row(string detail) => new()
    {
        At = Start.AddTicks(1234560), OperatorId = operatorId, UserId = userId, Login = "jdoe", ActorUserId = Guid.NewGuid(), ActorLogin = "admin",
        Type = AuditEventType.SignInSucceeded, ClientIp = "::1", UserAgent = "Mozilla/5.0 (Ünïcode)", Detail = detail,
    };

    [PostgresFact]
    public async Task Accepted_StoresTheRowAsEfWouldAndUsesUpTheStep()
    {
        var written = Row("it's \"quoted\"");
        await using (var db = Context())
        {
            Assert.True(await statement.TryConsumeAsync(db, userId, Step, written, CancellationToken.None));
            var viaEf = Row(written.Detail!);
            viaEf.ActorUserId = written.ActorUserId;
            db.AuditEvents.Add(viaEf);
            await db.SaveChangesAsync();
        }

        await using var check = Context();
        var stored = await check.AuditEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(2, stored.Count);
        stored[0].Id = stored[1].Id;
        Assert.Equivalent(stored[1], stored[0], strict: true);
        var user = await check.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
        Assert.Equal(Step, user.LastAcceptedTotpStep);
    }

    [PostgresFact]
    public async Task SameOrEarlierStep_IsRefusedAndWritesNothing()
    {
        await using var db = Context();
        Assert.True(await statement.TryConsumeAsync(db, userId, Step, Row("first"), CancellationToken.None));

        Assert.False(await statement.TryConsumeAsync(db, userId, Step, Row("replayed"), CancellationToken.None));
        Assert.False(await statement.TryConsumeAsync(db, userId, Step - 1, Row("earlier"), CancellationToken.None));

        Assert.Equal(["first"], await db.AuditEvents.AsNoTracking().Select(e => e.Detail).ToListAsync());
    }

    [PostgresFact]
    public async Task ConcurrentUsesOfOneStep_ExactlyOneWins()
    {
        var contexts = Enumerable.Range(0, 8).Select(_ => Context()).ToList();
        var results = await Task.WhenAll(contexts.Select((c, i) => statement.TryConsumeAsync(c, userId, Step, Row($"try {i}"), CancellationToken.None)));

        Assert.Single(results, won => won);
        await using var check = Context();
        Assert.Equal([$"try {Array.IndexOf(results, true)}"], await check.AuditEvents.AsNoTracking().Select(e => e.Detail).ToListAsync());
        foreach (var c in contexts)
        {
            await c.DisposeAsync();
        }
    }
}
