using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Twofold.Data;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.IntegrationTests.Mail;
using Twofold.Mail;
using Twofold.Totp;
using Xunit.Abstractions;

namespace Twofold.IntegrationTests.Nodes;

/// <summary>
/// Two real processes on one PostgreSQL database: Data Protection keys, the replay guard, the code
/// lockout and the outbox must hold across nodes. The nodes run on the real clock.
/// </summary>
public sealed class TwoNodeTests(TwoNodeCluster cluster, ITestOutputHelper output) : IClassFixture<TwoNodeCluster>
{
    [PostgresFact]
    public async Task PairOnNodeA_SignInOnNodeB_SessionWorksOnBoth()
    {
        var watch = Stopwatch.StartNew();
        var operatorCode = await cluster.Seeder.CreateOperatorAsync();
        var login = "pair" + Guid.NewGuid().ToString("N")[..8];
        var user = new TestUser(operatorCode, login, $"{login}@{operatorCode.ToLowerInvariant()}.test", TwofoldFactory.DefaultPassword);
        await cluster.Seeder.CreateUserAsync(operatorCode, login, user.Email, user.Password);

        // One browser behind a load balancer: cookies are per host, not per port, so A and B share them.
        var cookies = new CookieContainer();
        using var onA = TwoNodeCluster.Client(cluster.A, cookies);
        using var onB = TwoNodeCluster.Client(cluster.B, cookies);
        var signedIn = await UserStories.SubmitPasswordAsync(new Browser(onB), user);
        Assert.True(signedIn.HasButton("Log out"), signedIn.Text.Trim());

        // Turned on at node B (session cookie written by B, read by A for the profile page).
        var profile = await new Browser(onA).GetAsync("/profile");
        var updated = await profile.Form("Update").Check("Use two factor authentication").SubmitAsync();
        Assert.Contains("A pairing link has been sent", updated.Text, StringComparison.Ordinal);
        var mail = await cluster.Smtp.WaitForMessageAsync(m => SmtpSink.IsTo(m, user.Email) && UserStories.PairingLinkOf(m) is not null);
        var link = UserStories.PairingLinkOf(mail)!;
        Assert.StartsWith(cluster.A.BaseAddress.ToString(), link, StringComparison.Ordinal);

        // Pair on A with the previous step's code (accepted for 60 s), so the current step stays
        // free for signing in at once instead of waiting up to 30 s for the next one.
        await AwayFromStepEndAsync();
        using var pairingClient = TwoNodeCluster.Client(cluster.A, new CookieContainer());
        var gate = await new Browser(pairingClient).GetAsync(link);
        var qrPage = await gate.Form("Continue").Fill("Password", user.Password).SubmitAsync();
        var secret = UserStories.SecretFromQr(qrPage);
        var previous = Rfc6238.ComputeCode(secret, Rfc6238.StepAt(DateTimeOffset.UtcNow) - 1).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var paired = await qrPage.Form("Pair device").Fill("Authentication code", previous).SubmitAsync();
        Assert.Contains("Your mobile device is paired", paired.Text, StringComparison.Ordinal);

        // Sign in on B: the secret written (encrypted) by A is read by B.
        var fresh = new CookieContainer();
        using var freshB = TwoNodeCluster.Client(cluster.B, fresh);
        using var freshA = TwoNodeCluster.Client(cluster.A, fresh);
        var dialog = await UserStories.SubmitPasswordAsync(new Browser(freshB), user);
        var home = await UserStories.SubmitCodeAsync(dialog, TwoNodeCluster.CodeNow(secret));
        Assert.True(home.HasButton("Log out"), home.Text.Trim());
        using var profileOnA = await freshA.GetAsync(new Uri("/profile", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, profileOnA.StatusCode);
        output.WriteLine($"pair on A, sign in on B: {watch.Elapsed.TotalSeconds:0.0} s (cluster start {cluster.StartDuration.TotalSeconds:0.0} s)");
    }

    [PostgresFact]
    public async Task SameCode_ToBothNodesAtOnce_IsAcceptedExactlyOnce_200Times()
    {
        const int users = 10;
        const int rounds = 20;
        var watch = Stopwatch.StartNew();
        var operatorCode = await cluster.Seeder.CreateOperatorAsync();
        var winsOnA = 0;
        using var clientA = TwoNodeCluster.Client(cluster.A);
        using var clientB = TwoNodeCluster.Client(cluster.B);

        // Users race in parallel; each user's rounds run one after another on one pending sign-in.
        await Task.WhenAll(Enumerable.Range(0, users).Select(async _ =>
        {
            var (user, secret) = await cluster.CreatePairedUserAsync(operatorCode);
            var form = await CodeForm.OpenAsync(cluster.A, user);
            var id = (await cluster.UserAsync(user)).Id;
            for (var round = 0; round < rounds; round++)
            {
                // Reuse the user: forget the step used in the last round (set-up, not the rule under test).
                await cluster.Seeder.WithDbAsync(db => db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s
                    .SetProperty(u => u.LastAcceptedTotpStep, (long?)null).SetProperty(u => u.CodeFailedCount, 0)));
                var code = TwoNodeCluster.CodeNow(secret);
                var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var a = Task.Run(async () => { await start.Task; return await form.PostAsync(clientA, code); });
                var b = Task.Run(async () => { await start.Task; return await form.PostAsync(clientB, code); });
                start.SetResult();
                var answers = await Task.WhenAll(a, b);

                Assert.True(
                    answers.Count(x => x.SignedIn) == 1 && answers.Count(x => x.Replayed) == 1,
                    $"Round {round}: expected one sign-in and one replay refusal, got A: {answers[0]} / B: {answers[1]}");
                if (answers[0].SignedIn)
                {
                    Interlocked.Increment(ref winsOnA);
                }
            }
        }));

        output.WriteLine($"{users * rounds} races: {winsOnA} won by A, {users * rounds - winsOnA} by B, {watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>
    /// Issue 3: a password change signs the user out of every other session within at most 1 minute on
    /// every node. The other session lives on node B; the change is made on node A; B learns it only from
    /// the security stamp in the shared database (SecurityStampValidator, 1-minute interval).
    /// </summary>
    [PostgresFact]
    public async Task PasswordChangeOnNodeA_EndsOtherSessionOnBothNodes_WithinOneMinute()
    {
        var operatorCode = await cluster.Seeder.CreateOperatorAsync();
        var login = "stamp" + Guid.NewGuid().ToString("N")[..8];
        var user = new TestUser(operatorCode, login, $"{login}@{operatorCode.ToLowerInvariant()}.test", TwofoldFactory.DefaultPassword);
        await cluster.Seeder.CreateUserAsync(operatorCode, login, user.Email, user.Password);

        // The other session: signed in on B, also valid on A (one browser behind a load balancer).
        var other = new CookieContainer();
        using var otherOnB = TwoNodeCluster.Client(cluster.B, other);
        using var otherOnA = TwoNodeCluster.Client(cluster.A, other);
        Assert.True((await UserStories.SubmitPasswordAsync(new Browser(otherOnB), user)).HasButton("Log out"));

        // The user's own session on A changes the password.
        using var mine = TwoNodeCluster.Client(cluster.A, new CookieContainer());
        var browser = new Browser(mine);
        Assert.True((await UserStories.SubmitPasswordAsync(browser, user)).HasButton("Log out"));
        var changed = await (await browser.GetAsync("/profile")).Form("Change password")
            .Fill("Current password", user.Password).Fill("New password", "a brand new password").Fill("Confirm new password", "a brand new password")
            .SubmitAsync();
        Assert.Contains("Your password has been changed", changed.Text, StringComparison.Ordinal);
        var watch = Stopwatch.StartNew();

        // Poll the other session on B (real clock; bounded): it must end within the 1-minute interval.
        var limit = TimeSpan.FromSeconds(70);
        HttpStatusCode status;
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            using var page = await otherOnB.GetAsync(new Uri("/profile", UriKind.Relative));
            status = page.StatusCode;
        }
        while (status == HttpStatusCode.OK && watch.Elapsed < limit);

        var elapsed = watch.Elapsed;
        output.WriteLine($"other session on B ended {elapsed.TotalSeconds:0.0} s after the password change on A ({status})");
        Assert.NotEqual(HttpStatusCode.OK, status);
        Assert.True(elapsed <= TimeSpan.FromSeconds(63), $"the other session lasted {elapsed.TotalSeconds:0.0} s");
        using var onA = await otherOnA.GetAsync(new Uri("/profile", UriKind.Relative));
        Assert.NotEqual(HttpStatusCode.OK, onA.StatusCode);

        // The session that made the change carries on.
        using var still = await mine.GetAsync(new Uri("/profile", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [PostgresFact]
    public async Task FiveWrongCodes_SpreadOverBothNodes_LockTheAccount()
    {
        var watch = Stopwatch.StartNew();
        var operatorCode = await cluster.Seeder.CreateOperatorAsync();
        var (user, secret) = await cluster.CreatePairedUserAsync(operatorCode);
        var form = await CodeForm.OpenAsync(cluster.B, user);
        using var clientA = TwoNodeCluster.Client(cluster.A);
        using var clientB = TwoNodeCluster.Client(cluster.B);

        var answers = new List<CodeAnswer>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await form.PostAsync(i % 2 == 0 ? clientA : clientB, WrongCode(secret)));
        }

        Assert.All(answers.Take(4), x => Assert.True(x.Wrong, x.ToString()));
        Assert.True(answers[4].LockedOut, answers[4].ToString());
        var stored = await cluster.UserAsync(user);
        Assert.True(stored.CodeLockoutEnd > DateTimeOffset.UtcNow.AddMinutes(10), $"CodeLockoutEnd {stored.CodeLockoutEnd}");

        // Locked on both nodes, even for the right code.
        Assert.True((await form.PostAsync(clientB, TwoNodeCluster.CodeNow(secret))).LockedOut);
        Assert.True((await form.PostAsync(clientA, TwoNodeCluster.CodeNow(secret))).LockedOut);
        Assert.Null((await cluster.UserAsync(user)).LastAcceptedTotpStep);
        output.WriteLine($"lockout across nodes: {watch.Elapsed.TotalSeconds:0.0} s");
    }

    [PostgresFact]
    public async Task FiveWrongCodes_AtTheSameInstantOnBothNodes_LockTheAccountOnce()
    {
        var operatorCode = await cluster.Seeder.CreateOperatorAsync();
        var (user, secret) = await cluster.CreatePairedUserAsync(operatorCode);
        var form = await CodeForm.OpenAsync(cluster.A, user);
        using var clientA = TwoNodeCluster.Client(cluster.A);
        using var clientB = TwoNodeCluster.Client(cluster.B);

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var posts = Enumerable.Range(0, 5)
            .Select(i => Task.Run(async () => { await start.Task; return await form.PostAsync(i % 2 == 0 ? clientA : clientB, WrongCode(secret)); }))
            .ToList();
        start.SetResult();
        var answers = await Task.WhenAll(posts);

        // Every increment counts (none lost to a race), so the fifth locks; a request that started
        // after the lock was set may also answer "locked". Nothing else, and never a sign-in.
        Assert.All(answers, x => Assert.True(x.Wrong || x.LockedOut, x.ToString()));
        Assert.Contains(answers, x => x.LockedOut);
        var stored = await cluster.UserAsync(user);
        Assert.True(stored.CodeLockoutEnd > DateTimeOffset.UtcNow.AddMinutes(10), $"CodeLockoutEnd {stored.CodeLockoutEnd}");
        Assert.True((await form.PostAsync(clientB, TwoNodeCluster.CodeNow(secret))).LockedOut);
    }

    [PostgresFact]
    public async Task ThousandQueuedMails_DrainedByTwoNodes_ArriveExactlyOnceEach()
    {
        const int count = 1000;
        var sentBefore = cluster.A.CountOutput(" sent on attempt ") + cluster.B.CountOutput(" sent on attempt ");
        var mails = Enumerable.Range(0, count).Select(_ => OutboxTestMail.Create("bulk-test")).ToList();
        var watch = Stopwatch.StartNew();

        // One transaction: both nodes find all of them due at once and compete for the rows.
        var ids = await cluster.Seeder.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<TwofoldDbContext>();
            var outbox = sp.GetRequiredService<MailOutbox>();
            var rows = mails.Select(m => outbox.Enqueue(db, m.Email)).ToList();
            await db.SaveChangesAsync();
            return rows.Select(r => r.Id).ToHashSet();
        });

        var addresses = mails.Select(m => m.ToAddress).ToHashSet(StringComparer.OrdinalIgnoreCase);
        int Received() => cluster.Smtp.Messages.Count(m => m.To.Mailboxes.Any(b => addresses.Contains(b.Address)));
        await Eventually.MatchAsync(() => Task.FromResult(Received()), n => n >= count, $"{count} mails at the SMTP server", TimeSpan.FromSeconds(180));
        var drained = watch.Elapsed;
        await Eventually.MatchAsync(
            () => cluster.Seeder.WithDbAsync(db => db.Outbox.CountAsync(m => ids.Contains(m.Id) && m.Status == OutboxStatus.Sent)),
            n => n == count, "every row marked sent", TimeSpan.FromSeconds(30));

        // Several more poll rounds of both nodes: nothing may be sent again.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var perAddress = cluster.Smtp.Messages
            .SelectMany(m => m.To.Mailboxes.Select(b => b.Address))
            .Where(addresses.Contains)
            .GroupBy(a => a, StringComparer.OrdinalIgnoreCase)
            .ToList();
        Assert.Equal(count, perAddress.Count);
        Assert.All(perAddress, g => Assert.Single(g));

        var byA = cluster.A.CountOutput("(bulk-test) sent on attempt");
        var byB = cluster.B.CountOutput("(bulk-test) sent on attempt");
        Assert.Equal(count, byA + byB);
        Assert.True(byA > 0 && byB > 0, $"Both nodes should drain the outbox: A sent {byA}, B sent {byB}");
        output.WriteLine($"{count} mails: A sent {byA}, B sent {byB}; drained in {drained.TotalSeconds:0.0} s (other mails sent before: {sentBefore})");
    }

    /// <summary>A 6-digit code that matches neither the current nor the previous step.</summary>
    private static string WrongCode(byte[] secret)
    {
        var step = Rfc6238.StepAt(DateTimeOffset.UtcNow);
        var valid = new[] { step - 1, step, step + 1 }.Select(s => Rfc6238.ComputeCode(secret, s)).ToHashSet();
        var code = (valid.Max() + 1) % 1_000_000;
        while (valid.Contains(code))
        {
            code = (code + 1) % 1_000_000;
        }

        return code.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits if the current 30-s step ends within 5 s, so a code and the next request fall in one known window.</summary>
    private static async Task AwayFromStepEndAsync()
    {
        var intoStep = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() % 30_000;
        if (intoStep > 25_000)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(30_000 - intoStep + 200));
        }
    }
}
