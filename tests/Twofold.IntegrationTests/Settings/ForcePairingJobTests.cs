using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Twofold.Data;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.Pairing;
using Twofold.Settings;

namespace Twofold.IntegrationTests.Settings;

/// <summary>Forcing two-factor on a large operator: background fan-out in batches, exactly one mail per unpaired user.</summary>
public sealed class ForcePairingJobTests(ForcePairingFactory factory) : IClassFixture<ForcePairingFactory>
{
    private const int UserCount = 300;
    private const int PairedCount = 25;

    [Fact]
    public async Task Force_ManyUsers_OneMailPerUnpairedUser_ResumesAfterInterruptedBatch()
    {
        var code = await factory.CreateOperatorAsync();
        var (operatorId, users) = await SeedUsersAsync(code);
        var paired = users.Take(PairedCount).Select(u => u.Id).ToHashSet();
        var unpaired = users.Where(u => !paired.Contains(u.Id)).ToList();

        // The third batch fails before its commit, as if the node died; the job must carry on from batch two's cursor.
        factory.Crash.FailBatch(3);
        var result = await factory.WithScopeAsync(sp =>
            sp.GetRequiredService<OperatorSettings>().SetForceAsync(operatorId, users[0].Id, force: true, confirmed: true));
        Assert.Equal(ForceOutcome.Saved, result.Outcome);

        var job = await Eventually.MatchAsync(
            () => factory.WithDbAsync(db => db.ForcePairingJobs.AsNoTracking().SingleAsync(j => j.OperatorId == operatorId)),
            j => j.State != ForcePairingJobState.Running, "the force job to finish", TimeSpan.FromSeconds(60));
        Assert.Equal(ForcePairingJobState.Completed, job.State);
        Assert.Equal(1, factory.Crash.Failures);
        Assert.Equal(UserCount, job.TotalUsers);
        Assert.Equal(UserCount, job.ProcessedUsers);
        Assert.Equal(unpaired.Count, job.MailsQueued);

        // Stored state: exactly one queued pairing mail per unpaired user, none for paired ones.
        var mailedUsers = await factory.WithDbAsync(db => db.Outbox.AsNoTracking()
            .Where(m => m.OperatorId == operatorId && m.Kind == PairingMail.Kind)
            .Select(m => m.UserId!.Value).ToListAsync());
        Assert.Equal(unpaired.Count, mailedUsers.Count);
        Assert.Equal(unpaired.Select(u => u.Id).Order(), mailedUsers.Order());

        // Delivered over SMTP: one each.
        await Eventually.MatchAsync(
            () => Task.FromResult(unpaired.Count(u => factory.Smtp.MessagesTo(u.Email!).Count == 1)),
            n => n == unpaired.Count, "one delivered pairing mail per unpaired user", TimeSpan.FromSeconds(60));
        Assert.All(users.Take(PairedCount), u => Assert.Empty(factory.Smtp.MessagesTo(u.Email!)));
        var progress = await factory.WithScopeAsync(sp => sp.GetRequiredService<OperatorSettings>().GetProgressAsync(operatorId));
        Assert.Contains($"{unpaired.Count} of {UserCount} users", GeneralModel.Describe(progress!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Untick_CancelsJob_RemovesPendingSecretsOfOptedOutUsers()
    {
        var code = await factory.CreateOperatorAsync();
        var (operatorId, users) = await SeedUsersAsync(code);
        await factory.WithScopeAsync(sp =>
            sp.GetRequiredService<OperatorSettings>().SetForceAsync(operatorId, users[0].Id, force: true, confirmed: true));
        var result = await factory.WithScopeAsync(sp =>
            sp.GetRequiredService<OperatorSettings>().SetForceAsync(operatorId, users[0].Id, force: false, confirmed: true));
        Assert.Equal(ForceOutcome.Saved, result.Outcome);

        // Whatever the worker managed before the untick, it does nothing after it.
        var job = await factory.WithDbAsync(db => db.ForcePairingJobs.AsNoTracking().SingleAsync(j => j.OperatorId == operatorId));
        Assert.NotEqual(ForcePairingJobState.Running, job.State);
        var ids = users.Select(u => u.Id).ToList();
        Assert.Equal(0, await factory.WithDbAsync(db => db.Authenticators.CountAsync(a => ids.Contains(a.UserId) && a.Status == AuthenticatorStatus.Pending)));
        var mails = await factory.WithDbAsync(db => db.Outbox.CountAsync(m => m.OperatorId == operatorId));
        Assert.Equal(job.MailsQueued, mails);
    }

    /// <summary>Users inserted directly (no password hashing: 300 hashes would take most of a minute); the first PairedCount are paired.</summary>
    private Task<(int OperatorId, List<TwofoldUser> Users)> SeedUsersAsync(string code) =>
        factory.WithDbAsync(async db =>
        {
            var op = await db.Operators.SingleAsync(o => o.NormalizedCode == code);
            var users = Enumerable.Range(0, UserCount).Select(i =>
            {
                var login = $"crew{i:D4}";
                var email = $"{login}@{code.ToLowerInvariant()}.test";
                return new TwofoldUser
                {
                    Id = Guid.NewGuid(),
                    OperatorId = op.Id,
                    Login = login,
                    UserName = TwofoldUser.ComposeUserName(code, login),
                    NormalizedUserName = TwofoldUser.ComposeUserName(code, login).ToUpperInvariant(),
                    Email = email,
                    NormalizedEmail = email.ToUpperInvariant(),
                    SecurityStamp = Guid.NewGuid().ToString(),
                    CreatedAt = factory.Time.GetUtcNow(),
                };
            }).ToList();
            db.Users.AddRange(users);
            db.Authenticators.AddRange(users.Take(PairedCount).Select(u => new Authenticator
            {
                UserId = u.Id,
                ProtectedSecret = "unused",
                Status = AuthenticatorStatus.Paired,
                CreatedAt = factory.Time.GetUtcNow(),
            }));
            await db.SaveChangesAsync();
            return (op.Id, users);
        });
}
