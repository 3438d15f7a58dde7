using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Twofold.Audit;
using Twofold.Data;
using Twofold.Login;
using Twofold.Totp;

namespace Twofold.UnitTests.Login;

/// <summary>Replay and lockout rules run as conditional UPDATEs, so they are tested on a real SQLite file.</summary>
public sealed class TwoFactorVerifierTests : IAsyncLifetime
{
    // 10 seconds into a step, so advancing by whole minutes never lands on a boundary.
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 10, TimeSpan.Zero);

    private readonly TempSqliteDatabase database = new();
    private readonly FakeTimeProvider time = new(Start);
    private readonly AuthenticatorSecrets secrets = new(new EphemeralDataProtectionProvider());
    private readonly byte[] secret = TotpVerifier.NewSecret();
    private SqliteTwofoldDbContext db = null!;
    private TwoFactorVerifier verifier = null!;
    private Guid userId;

    private long Now => Rfc6238.StepAt(time.GetUtcNow());

    public async Task InitializeAsync()
    {
        db = database.CreateContext();
        await db.Database.MigrateAsync();

        var op = new Operator { Code = "ACME", NormalizedCode = "ACME", Name = "Acme Air", CreatedAt = Start };
        var user = new TwofoldUser
        {
            Operator = op,
            Login = "jdoe",
            UserName = "ACME/jdoe",
            NormalizedUserName = "ACME/JDOE",
            Email = "jdoe@acme.test",
            SecurityStamp = Guid.NewGuid().ToString(),
            TwoFactorEnabled = true,
            CreatedAt = Start,
        };
        db.Users.Add(user);
        db.Authenticators.Add(new Authenticator
        {
            User = user, ProtectedSecret = secrets.Protect(secret), Status = AuthenticatorStatus.Paired, CreatedAt = Start, PairedAt = Start,
        });
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        userId = user.Id;

        verifier = new TwoFactorVerifier(
            db, secrets,
            new TotpVerifier(Options.Create(new TotpOptions { PastSteps = 1, FutureSteps = 0 }), time),
            Options.Create(new SecurityOptions { MaxFailedCodes = 5, CodeLockoutMinutes = 15 }),
            time);
    }

    public async Task DisposeAsync()
    {
        await db.DisposeAsync();
        database.Dispose();
    }

    private int CodeAt(long step) => Rfc6238.ComputeCode(secret, step);

    /// <summary>A code that matches no step of the current window.</summary>
    private int WrongCode()
    {
        int[] window = [CodeAt(Now - 1), CodeAt(Now)];
        return Enumerable.Range(1, 10).Select(i => (window[1] + i) % 1_000_000).First(c => !window.Contains(c));
    }

    private Task<CodeCheck> VerifyAsync(int code) => verifier.VerifyAsync(userId, code, AuthenticatorStatus.Paired);

    private Task<TwofoldUser> StoredUserAsync() => db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);

    [Fact]
    public async Task Verify_CurrentStep_IsAcceptedAndRecorded()
    {
        var check = await VerifyAsync(CodeAt(Now));

        Assert.Equal(new CodeCheck(CodeOutcome.Accepted, Now), check);
        Assert.Equal(Now, (await StoredUserAsync()).LastAcceptedTotpStep);
    }

    [Fact]
    public async Task Verify_ReusedStep_IsRejected()
    {
        var code = CodeAt(Now);
        Assert.Equal(CodeOutcome.Accepted, (await VerifyAsync(code)).Outcome);

        var again = await VerifyAsync(code);

        Assert.Equal(CodeOutcome.Replayed, again.Outcome);
        var stored = await StoredUserAsync();
        Assert.Equal(Now, stored.LastAcceptedTotpStep);
        Assert.Equal(1, stored.CodeFailedCount);
    }

    [Fact]
    public async Task Verify_EarlierStepAfterLaterStep_IsRejected()
    {
        Assert.Equal(CodeOutcome.Accepted, (await VerifyAsync(CodeAt(Now))).Outcome);

        var earlier = await VerifyAsync(CodeAt(Now - 1));

        Assert.Equal(CodeOutcome.Replayed, earlier.Outcome);
        Assert.Equal(Now, (await StoredUserAsync()).LastAcceptedTotpStep);
    }

    [Fact]
    public async Task Verify_PreviousStep_IsAcceptedOnce()
    {
        var previous = CodeAt(Now - 1);

        Assert.Equal(new CodeCheck(CodeOutcome.Accepted, Now - 1), await VerifyAsync(previous));
        Assert.Equal(CodeOutcome.Replayed, (await VerifyAsync(previous)).Outcome);
        // A later step is still fine after the earlier one.
        Assert.Equal(new CodeCheck(CodeOutcome.Accepted, Now), await VerifyAsync(CodeAt(Now)));
    }

    [Fact]
    public async Task Verify_CodeOfNextStep_IsRejected_AsClockDrift()
    {
        // Refused (no offset learned), but recognised: the message can tell the person the phone runs fast.
        var check = await VerifyAsync(CodeAt(Now + 1));
        Assert.Equal(CodeOutcome.ClockDrift, check.Outcome);
        Assert.Equal(1, check.DriftSteps);
    }

    [Fact]
    public async Task Verify_FarOffCode_IsRejectedAsWrong()
    {
        // A code of 20 steps ago is beyond the ±10-step diagnosis: simply wrong.
        var check = await VerifyAsync(CodeAt(Now - 20));
        Assert.Equal(CodeOutcome.Wrong, check.Outcome);
    }

    [Fact]
    public async Task Verify_FiveWrongCodes_LockOutForFifteenMinutes()
    {
        for (var i = 1; i <= 4; i++)
        {
            Assert.Equal(CodeOutcome.Wrong, (await VerifyAsync(WrongCode())).Outcome);
            Assert.Equal(i, (await StoredUserAsync()).CodeFailedCount);
        }

        var fifth = await VerifyAsync(WrongCode());

        var until = Start.AddMinutes(15);
        Assert.Equal(new CodeCheck(CodeOutcome.LockedOut, LockedUntil: until), fifth);
        Assert.Equal(until, (await StoredUserAsync()).CodeLockoutEnd);

        // Locked: even the right code is refused and does not consume its step.
        Assert.Equal(CodeOutcome.LockedOut, (await VerifyAsync(CodeAt(Now))).Outcome);
        time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.Equal(new CodeCheck(CodeOutcome.LockedOut, LockedUntil: until), await VerifyAsync(CodeAt(Now)));
        Assert.Null((await StoredUserAsync()).LastAcceptedTotpStep);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new CodeCheck(CodeOutcome.Accepted, Now), await VerifyAsync(CodeAt(Now)));
    }

    [Fact]
    public async Task Verify_Success_ResetsFailureCount()
    {
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(CodeOutcome.Wrong, (await VerifyAsync(WrongCode())).Outcome);
        }

        Assert.Equal(CodeOutcome.Accepted, (await VerifyAsync(CodeAt(Now))).Outcome);
        Assert.Equal(0, (await StoredUserAsync()).CodeFailedCount);

        // Four more wrong codes are again below the limit of five.
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(CodeOutcome.Wrong, (await VerifyAsync(WrongCode())).Outcome);
        }

        var stored = await StoredUserAsync();
        Assert.Equal(4, stored.CodeFailedCount);
        Assert.Null(stored.CodeLockoutEnd);
    }

    [Fact]
    public async Task Verify_ReplaysCountTowardsLockout()
    {
        var code = CodeAt(Now);
        Assert.Equal(CodeOutcome.Accepted, (await VerifyAsync(code)).Outcome);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(CodeOutcome.Replayed, (await VerifyAsync(code)).Outcome);
        }

        Assert.Equal(CodeOutcome.LockedOut, (await VerifyAsync(code)).Outcome);
    }

    // As the sign-in does: the user row read just before, its lockout end checked as read.
    private async Task<CodeCheck> VerifyRecordingAsync(int code, Action<CodeCheck> record) =>
        await verifier.VerifyAsync(await StoredUserAsync(), await SignInQueries.Devices(db, userId, AuthenticatorStatus.Paired).ToListAsync(), code, record);

    private void AddRow(CodeCheck check) =>
        db.Add(new AuditEvent { At = time.GetUtcNow(), UserId = userId, Type = AuditEventType.SignInFailedCode, Detail = check.Outcome.ToString() });

    private Task<List<string?>> StoredDetailsAsync() => db.AuditEvents.AsNoTracking().OrderBy(e => e.Id).Select(e => e.Detail).ToListAsync();

    [Fact]
    public async Task Verify_WithRecord_SavesTheRowOfEveryOutcome()
    {
        Assert.Equal(CodeOutcome.Accepted, (await VerifyRecordingAsync(CodeAt(Now), AddRow)).Outcome);
        Assert.Equal(CodeOutcome.Replayed, (await VerifyRecordingAsync(CodeAt(Now), AddRow)).Outcome);
        Assert.Equal(CodeOutcome.ClockDrift, (await VerifyRecordingAsync(CodeAt(Now + 3), AddRow)).Outcome);
        Assert.Equal(CodeOutcome.Wrong, (await VerifyRecordingAsync(CodeAt(Now - 20), AddRow)).Outcome);

        Assert.Equal(["Accepted", "Replayed", "ClockDrift", "Wrong"], await StoredDetailsAsync());
    }

    [Fact]
    public async Task Verify_WithRecord_LockedOut_SavesTheRowWithoutOtherWrites()
    {
        for (var i = 0; i < 5; i++)
        {
            await VerifyAsync(WrongCode());
        }

        Assert.Equal(CodeOutcome.LockedOut, (await VerifyRecordingAsync(CodeAt(Now), AddRow)).Outcome);

        Assert.Equal(["LockedOut"], await StoredDetailsAsync());
        Assert.Null((await StoredUserAsync()).LastAcceptedTotpStep);
    }

    [Fact]
    public async Task Verify_WhenTheRowCannotBeSaved_TheStepIsNotUsedUp()
    {
        // The guard's write and the audit row are one transaction: no accepted code without its row.
        await Assert.ThrowsAsync<InvalidOperationException>(() => VerifyRecordingAsync(CodeAt(Now), _ => throw new InvalidOperationException("audit down")));
        db.ChangeTracker.Clear();

        Assert.Null((await StoredUserAsync()).LastAcceptedTotpStep);
        Assert.Equal(new CodeCheck(CodeOutcome.Accepted, Now), await VerifyAsync(CodeAt(Now)));
    }

    [Fact]
    public async Task Verify_WhenTheRowOfAWrongCodeCannotBeSaved_NothingIsCounted()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => VerifyRecordingAsync(WrongCode(), _ => throw new InvalidOperationException("audit down")));

        Assert.Equal(0, (await StoredUserAsync()).CodeFailedCount);
    }

    [Fact]
    public async Task Verify_GroupCommit_ConcurrentUsesOfOneCode_AcceptOnceAndRecordEach()
    {
        var services = new ServiceCollection().AddScoped<TwofoldDbContext>(_ => database.CreateContext()).BuildServiceProvider();
        using var batch = new AcceptedCodeBatch(services.GetRequiredService<IServiceScopeFactory>());
        var contexts = Enumerable.Range(0, 4).Select(_ => database.CreateContext()).ToList();
        var code = CodeAt(Now);
        var user = await StoredUserAsync();

        var checks = await Task.WhenAll(contexts.Select(async c =>
        {
            var devices = await SignInQueries.Devices(c, userId, AuthenticatorStatus.Paired).ToListAsync();
            var v = new TwoFactorVerifier(
                c, secrets, new TotpVerifier(Options.Create(new TotpOptions { PastSteps = 1, FutureSteps = 0 }), time),
                Options.Create(new SecurityOptions { MaxFailedCodes = 5, CodeLockoutMinutes = 15 }), time, batch: batch);
            return await v.VerifyAsync(user, devices, code, check =>
                c.Add(new AuditEvent { At = time.GetUtcNow(), UserId = userId, Type = AuditEventType.SignInFailedCode, Detail = check.Outcome.ToString() }));
        }));

        Assert.Single(checks, c => c.Outcome == CodeOutcome.Accepted);
        Assert.Equal(3, checks.Count(c => c.Outcome == CodeOutcome.Replayed));
        Assert.Equal(["Accepted", "Replayed", "Replayed", "Replayed"], (await StoredDetailsAsync()).Order());
        var stored = await StoredUserAsync();
        Assert.Equal(Now, stored.LastAcceptedTotpStep);
        Assert.Equal(3, stored.CodeFailedCount);
        foreach (var c in contexts)
        {
            await c.DisposeAsync();
        }

        await services.DisposeAsync();
    }

    [Fact]
    public async Task GroupCommit_Dispose_CommitsWhatIsQueuedThenRefusesNewItems()
    {
        var services = new ServiceCollection().AddScoped<TwofoldDbContext>(_ => database.CreateContext()).BuildServiceProvider();
        var batch = new AcceptedCodeBatch(services.GetRequiredService<IServiceScopeFactory>());
        var row = new AuditEvent { At = time.GetUtcNow(), UserId = userId, Type = AuditEventType.SignInSucceeded, Detail = "queued before stop" };

        var queued = batch.ConsumeAsync(userId, Now, offset: null, [row], CancellationToken.None);
        batch.Dispose();

        Assert.True(await queued);
        Assert.Equal(["queued before stop"], await StoredDetailsAsync());
        Assert.Equal(Now, (await StoredUserAsync()).LastAcceptedTotpStep);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => batch.ConsumeAsync(userId, Now + 1, offset: null, [], CancellationToken.None));
        await services.DisposeAsync();
    }

    [Fact]
    public async Task GroupCommit_FailedBatch_FailsItsCallersAndTheNextBatchCommits()
    {
        var services = new ServiceCollection().AddScoped<TwofoldDbContext>(_ => database.CreateContext()).BuildServiceProvider();
        using var batch = new AcceptedCodeBatch(services.GetRequiredService<IServiceScopeFactory>());

        // Not an entity: the batch's save fails, and its guard UPDATE is rolled back with it.
        await Assert.ThrowsAsync<InvalidOperationException>(() => batch.ConsumeAsync(userId, Now, offset: null, [new object()], CancellationToken.None));
        Assert.Null((await StoredUserAsync()).LastAcceptedTotpStep);

        var row = new AuditEvent { At = time.GetUtcNow(), UserId = userId, Type = AuditEventType.SignInSucceeded, Detail = "after the failure" };
        Assert.True(await batch.ConsumeAsync(userId, Now, offset: null, [row], CancellationToken.None));
        Assert.Equal(["after the failure"], await StoredDetailsAsync());
        await services.DisposeAsync();
    }

    [Fact]
    public async Task GroupCommit_Metrics_RecordEachCodesWaitAndEachCommitsDurationAndSize()
    {
        var services = new ServiceCollection().AddMetrics().AddSingleton<AcceptedCodeMetrics>()
            .AddScoped<TwofoldDbContext>(_ => database.CreateContext()).BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var measured = new ConcurrentQueue<(string Name, double Value, string? Error)>();
        using var listener = new MeterListener();
        // Only this test's meter: other tests may create meters of the same name at the same time.
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => measured.Enqueue((instrument.Name, value, ErrorType(tags))));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => measured.Enqueue((instrument.Name, value, ErrorType(tags))));
        listener.Start();
        using var batch = new AcceptedCodeBatch(services.GetRequiredService<IServiceScopeFactory>(), services.GetRequiredService<AcceptedCodeMetrics>());
        var row = new AuditEvent { At = time.GetUtcNow(), UserId = userId, Type = AuditEventType.SignInSucceeded, Detail = "measured" };

        Assert.True(await batch.ConsumeAsync(userId, Now, offset: null, [row], CancellationToken.None));
        // Not an entity: this commit fails, and is measured as failed.
        await Assert.ThrowsAsync<InvalidOperationException>(() => batch.ConsumeAsync(userId, Now + 1, offset: null, [new object()], CancellationToken.None));

        var all = measured.ToList();
        Assert.Equal(2, all.Count(m => m.Name == "twofold.code_commit.wait" && m.Value >= 0 && m.Error is null));
        Assert.Equal([null, typeof(InvalidOperationException).FullName], all.Where(m => m.Name == "twofold.code_commit.duration" && m.Value > 0).Select(m => m.Error));
        Assert.Equal([1.0, 1.0], all.Where(m => m.Name == "twofold.code_commit.size").Select(m => m.Value));
        await services.DisposeAsync();

        static string? ErrorType(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "error.type")
                {
                    return tag.Value as string;
                }
            }

            return null;
        }
    }

    [Fact]
    public async Task GroupCommit_AuditRow_IsStoredAsEfWouldStoreIt()
    {
        var services = new ServiceCollection().AddScoped<TwofoldDbContext>(_ => database.CreateContext()).BuildServiceProvider();
        using var batch = new AcceptedCodeBatch(services.GetRequiredService<IServiceScopeFactory>());
        var operatorId = (await StoredUserAsync()).OperatorId;
        var actor = Guid.NewGuid();
        // Every column set, with values that need the model's conversions (Guid as text, time, enum by name, Unicode).
        AuditEvent Row() => new()
        {
            At = time.GetUtcNow().AddTicks(1234567), OperatorId = operatorId, UserId = userId, Login = "jdoe", ActorUserId = actor,
            ActorLogin = "admin", Type = AuditEventType.SignInSucceeded, ClientIp = "::1", UserAgent = "Mozilla/5.0 (Ünïcode)", Detail = "it's \"quoted\"",
        };

        Assert.True(await batch.ConsumeAsync(userId, Now, offset: null, [Row()], CancellationToken.None));
        db.AuditEvents.Add(Row());
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        var stored = await db.AuditEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(2, stored.Count);
        stored[0].Id = stored[1].Id;
        Assert.Equivalent(stored[1], stored[0], strict: true);
        Assert.Equal("Mozilla/5.0 (Ünïcode)", stored[0].UserAgent);
        // Found by the same typed query as EF's own row: the stored representation is the same.
        Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.UserId == userId && e.ActorUserId == actor && e.Type == AuditEventType.SignInSucceeded));
        await services.DisposeAsync();
    }

    [Fact]
    public async Task GroupCommit_OtherRows_AreSavedByEfInTheSameCommit()
    {
        var services = new ServiceCollection().AddScoped<TwofoldDbContext>(_ => database.CreateContext()).BuildServiceProvider();
        using var batch = new AcceptedCodeBatch(services.GetRequiredService<IServiceScopeFactory>());
        var audit = new AuditEvent { At = time.GetUtcNow(), UserId = userId, Type = AuditEventType.SignInSucceeded, Detail = "with a recovery code row" };
        var other = new RecoveryCode { UserId = userId, Salt = [1], Hash = [2], CreatedAt = Start };

        Assert.True(await batch.ConsumeAsync(userId, Now, offset: new AcceptedCodeBatch.Offset((await db.Authenticators.AsNoTracking().SingleAsync()).Id, 1), [audit, other], CancellationToken.None));

        Assert.Equal(["with a recovery code row"], await StoredDetailsAsync());
        Assert.Equal(other.Id, (await db.RecoveryCodes.AsNoTracking().SingleAsync()).Id);
        Assert.Equal(1, (await db.Authenticators.AsNoTracking().SingleAsync()).StepOffset);
        Assert.Equal(Now, (await StoredUserAsync()).LastAcceptedTotpStep);
        await services.DisposeAsync();
    }

    [Fact]
    public async Task Verify_PendingStatus_IgnoresPairedAuthenticator() =>
        Assert.Equal(CodeOutcome.Wrong, (await verifier.VerifyAsync(userId, CodeAt(Now), AuthenticatorStatus.Pending)).Outcome);
}
