using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Twofold.Data;
using Twofold.Login;
using Twofold.Recovery;
using Twofold.Totp;

namespace Twofold.UnitTests.Recovery;

/// <summary>Recovery codes are spent by a conditional UPDATE: tested on a real SQLite file, with concurrent requests.</summary>
public sealed class RecoveryCodesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 10, TimeSpan.Zero);

    private readonly TempSqliteDatabase database = new();
    private readonly FakeTimeProvider time = new(Start);
    private Guid userId;
    private IReadOnlyList<string> codes = [];

    public async Task InitializeAsync()
    {
        await using var db = database.CreateContext();
        await db.Database.MigrateAsync();
        var user = new TwofoldUser
        {
            Operator = new Operator { Code = "ACME", NormalizedCode = "ACME", Name = "Acme Air", CreatedAt = Start },
            Login = "jdoe",
            UserName = "ACME/jdoe",
            NormalizedUserName = "ACME/JDOE",
            SecurityStamp = Guid.NewGuid().ToString(),
            CreatedAt = Start,
        };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        userId = user.Id;
        codes = await Service(db).ReplaceAsync(userId);
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync()
    {
        database.Dispose();
        return Task.CompletedTask;
    }

    private RecoveryCodes Service(TwofoldDbContext db) =>
        new(db, new TwoFactorVerifier(
                db, new AuthenticatorSecrets(new EphemeralDataProtectionProvider()),
                new TotpVerifier(Options.Create(new TotpOptions()), time),
                Options.Create(new SecurityOptions { MaxFailedCodes = 5, CodeLockoutMinutes = 15 }), time),
            time);

    private async Task<RedeemResult> RedeemAsync(string code)
    {
        await using var db = database.CreateContext();
        return await Service(db).RedeemAsync(userId, code);
    }

    [Fact]
    public async Task Redeem_SameCodeConcurrently_ExactlyOneSucceeds()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => RedeemAsync(codes[3]))));
        Assert.Single(results, r => r.Outcome == RedeemOutcome.Accepted);
        Assert.Equal(9, results.Single(r => r.Outcome == RedeemOutcome.Accepted).Remaining);
    }

    [Fact]
    public async Task Replace_VoidsEveryEarlierCode()
    {
        await using (var db = database.CreateContext())
        {
            await Service(db).ReplaceAsync(userId);
            await db.SaveChangesAsync();
            Assert.Equal(10, await db.RecoveryCodes.CountAsync(c => c.UserId == userId));
        }

        Assert.Equal(RedeemOutcome.Wrong, (await RedeemAsync(codes[0])).Outcome);
    }

    [Fact]
    public async Task Redeem_WrongCodes_LockLikeWrongAppCodes_EvenARightCodeThen()
    {
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(RedeemOutcome.Wrong, (await RedeemAsync("zzzz-zzzz-zz")).Outcome);
        }

        var fifth = await RedeemAsync("zzzz-zzzz-zz");
        Assert.Equal(RedeemOutcome.LockedOut, fifth.Outcome);
        Assert.Equal(Start.AddMinutes(15), fifth.LockedUntil);
        Assert.Equal(RedeemOutcome.LockedOut, (await RedeemAsync(codes[0])).Outcome);

        time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(RedeemOutcome.Accepted, (await RedeemAsync(codes[0])).Outcome);
    }
}
