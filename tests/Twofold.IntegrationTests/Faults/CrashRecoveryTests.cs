using System.Globalization;
using System.Net;
using AngleSharp.Html.Parser;
using MimeKit;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Faults;

/// <summary>
/// kill -9 of a real app process in the middle of a burst of "turn two-factor on" and in the middle of
/// draining the outbox. After each restart the state is consistent: every saved change has its pairing
/// secret and its mail, no mail is lost, and at most one mail per crash arrives twice (docs/architecture.md).
/// Runs on the provider of the test run (<see cref="TestDatabase"/>): a SQLite file, or a fresh PostgreSQL
/// database that the killed processes leave connections to and that is dropped at the end.
/// </summary>
public sealed class CrashRecoveryTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const int Users = 24;
    private const string Password = "correct horse battery";
    private static readonly TimeSpan MailTimeout = TimeSpan.FromSeconds(90);

    private readonly string folder = Path.Combine(Path.GetTempPath(), "twofold-crash", Guid.NewGuid().ToString("N"));
    private readonly SmtpSink smtp = new();
    private TestDatabase database = null!;
    private ChildApp app = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        await smtp.StartAsync();
        database = await TestDatabase.CreateAsync();

        // First life: no mail server configured, so every pairing mail stays queued in the outbox.
        app = new ChildApp(folder, database, new Dictionary<string, string>
        {
            ["Smtp__ClaimLeaseSeconds"] = "2",
            ["Smtp__BatchSize"] = "5",
        });
    }

    public async Task DisposeAsync()
    {
        app.Dispose();
        await smtp.DisposeAsync();
        if (database is not null)
        {
            await database.DisposeAsync(); // on PostgreSQL: DROP DATABASE … WITH (FORCE), past the killed processes' connections
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail the run.
        }
    }

    [Fact]
    public async Task KillDuringTurnOnBurst_AndDuringOutboxDrain_StateStaysConsistent_NoMailLost_AtMostOneDuplicatePerCrash()
    {
        await app.RunCliAsync("db", "migrate");
        await app.RunCliAsync("operator", "add", "--code", "CRASH", "--name", "Crash test");
        await app.RunCliAsync("user", "add", "--operator", "CRASH", "--login", "admin", "--email", "admin@crash.test", "--password", Password, "--admin");
        await app.StartAsync();

        var admin = await SignInAsync("admin");
        var logins = Enumerable.Range(1, Users).Select(i => $"user{i:00}").ToList();
        foreach (var login in logins)
        {
            using var created = await SubmitAsync(admin, "/users", "Create user", new()
            {
                ["NewUser.Login"] = login,
                ["NewUser.Email"] = $"{login}@crash.test",
                ["NewUser.Password"] = Password,
            });
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        // Crash 1: every user presses Update at once; the process dies while the requests are in flight.
        var sessions = new List<(string Login, HttpClient Client, HtmlForm Form)>();
        foreach (var login in logins)
        {
            var client = await SignInAsync(login);
            using var profile = await client.GetAsync("/profile");
            sessions.Add((login, client, await HtmlForm.FindAsync(profile, button: "Update")));
        }

        // Staggered by 50 ms and killed at the first answer, so the kill lands mid-burst on a fast database
        // too (PostgreSQL answered all 24 simultaneous presses before a kill at the third answer, and so
        // did SQLite under the full suite's load; with 20 ms, one CI run's first answer came after all 24 were
        // sent and answered): some answered, some in flight, some never sent.
        var presses = sessions.Select((s, i) => TurnOnAsync(s.Client, s.Form, TimeSpan.FromMilliseconds(50 * i))).ToList();
        await WhenSomeCompleteAsync(presses, 1);
        app.Kill();
        var confirmed = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < presses.Count; i++)
        {
            if (await presses[i])
            {
                confirmed.Add(sessions[i].Login);
            }
        }

        Assert.NotEmpty(confirmed);
        Assert.True(confirmed.Count < Users, "Every press was answered before the kill: the crash interrupted nothing.");

        // Second life, still without a mail server: crash 1 left each user with all of the change or none,
        // and every confirmed change is there. Then the others turn on, so the drain below always has a
        // backlog to be killed in (crash 1 may have saved only one change).
        await app.StartAsync();
        admin = await SignInAsync("admin");
        var afterCrash1 = await StatusByLoginAsync(admin);
        Assert.All(logins, l => Assert.True(afterCrash1[l] is "Off" or "Waiting for pairing", $"{l}: {afterCrash1[l]}"));
        var savedByCrash1 = logins.Where(l => afterCrash1[l] == "Waiting for pairing").ToHashSet(StringComparer.Ordinal);
        Assert.Subset(savedByCrash1, confirmed);
        foreach (var login in logins.Except(savedByCrash1))
        {
            var client = await SignInAsync(login);
            using var profile = await client.GetAsync("/profile");
            Assert.True(await TurnOnAsync(client, await HtmlForm.FindAsync(profile, button: "Update"), TimeSpan.Zero), $"{login}: turning on after crash 1");
        }

        app.Kill();

        // Crash 2: restart with the mail server (slow to answer) and kill while the outbox drains.
        smtp.AcceptDelay = TimeSpan.FromMilliseconds(150);
        app.Set("Smtp__Host", SmtpSink.Host);
        app.Set("Smtp__Port", smtp.Port.ToString(CultureInfo.InvariantCulture));
        await app.StartAsync();
        await Eventually.MatchAsync(() => Task.FromResult(smtp.Messages.Count), n => n >= 2, "the drain to start", MailTimeout);
        app.Kill();
        var beforeLastLife = smtp.Messages.Count;

        // Last life: the claims of the killed process run out (2 s) and the rest is delivered.
        smtp.AcceptDelay = TimeSpan.Zero;
        await app.StartAsync();
        admin = await SignInAsync("admin");
        var status = await StatusByLoginAsync(admin);
        Assert.All(logins, l => Assert.Equal("Waiting for pairing", status[l]));

        // Every saved change has its mail: one, or two for the mail in flight at kill 2. A mail that crash 1
        // had saved without its change would show as a second copy for a user turned on in the second life.
        foreach (var login in logins)
        {
            await smtp.WaitForMessageToAsync($"{login}@crash.test", MailTimeout);
        }

        await Task.Delay(TimeSpan.FromSeconds(3)); // past another claim lease: anything still owed would arrive now
        var received = smtp.Messages;
        var perUser = logins.ToDictionary(l => l, l => received.Count(m => SmtpSink.IsTo(m, $"{l}@crash.test")));
        Assert.All(logins, l => Assert.InRange(perUser[l], 1, 2));
        var duplicates = perUser.Values.Sum(n => Math.Max(0, n - 1));
        output.WriteLine(
            $"{database.Provider}: {Users} users; {confirmed.Count} turn-ons answered before kill 1, {savedByCrash1.Count} saved; " +
            $"{beforeLastLife} of {Users} mails received before kill 2; {received.Count} mails in total; {duplicates} duplicate(s)");
        Assert.True(duplicates <= 1, $"{duplicates} duplicate mails (at most one per crash of the sender); {beforeLastLife} received before the last restart");

        // Never a device without its secret: every user pairs with the mailed link.
        foreach (var login in logins)
        {
            await PairAsync(login, received.Last(m => SmtpSink.IsTo(m, $"{login}@crash.test")));
        }

        var after = await StatusByLoginAsync(admin);
        Assert.All(logins, l => Assert.Equal("Paired", after[l]));
    }

    private static async Task<bool> TurnOnAsync(HttpClient client, HtmlForm form, TimeSpan after)
    {
        await Task.Delay(after);
        try
        {
            using var response = await form.SubmitAsync(client, new Dictionary<string, string> { ["TwoFactor.Use"] = "true" });
            var text = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK && text.Contains("A pairing link has been sent", StringComparison.Ordinal);
        }
        catch (HttpRequestException)
        {
            return false; // killed mid-request: the answer is lost, the change may or may not be saved
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    private static async Task WhenSomeCompleteAsync(List<Task<bool>> tasks, int count)
    {
        var pending = tasks.ToList();
        for (var done = 0; done < count && pending.Count > 0; done++)
        {
            pending.Remove(await Task.WhenAny(pending));
        }
    }

    private async Task<HttpClient> SignInAsync(string login)
    {
        var client = app.NewClient();
        using var response = await SubmitAsync(client, "/login", "Log in", new()
        {
            ["Input.OperatorCode"] = "CRASH",
            ["Input.Login"] = login,
            ["Input.Password"] = Password,
        });
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        return client;
    }

    private static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string page, string button, Dictionary<string, string> values)
    {
        using var response = await client.GetAsync(page);
        Assert.True(response.IsSuccessStatusCode, $"GET {page}: {(int)response.StatusCode}");
        return await (await HtmlForm.FindAsync(response, button: button)).SubmitAsync(client, values);
    }

    private static async Task<Dictionary<string, string>> StatusByLoginAsync(HttpClient admin)
    {
        var html = await admin.GetStringAsync("/users");
        var document = new HtmlParser().ParseDocument(html);
        return document.QuerySelectorAll("table.users tbody tr")
            .Select(r => r.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList())
            .ToDictionary(c => c[0], c => c[3], StringComparer.Ordinal);
    }

    /// <summary>Link → password → the key shown on the page → a code computed from it → "paired".</summary>
    private async Task PairAsync(string login, MimeMessage mail)
    {
        var link = UserStories.PairingLinkOf(mail) ?? throw new InvalidOperationException($"No pairing link in the mail to {login}.");
        var client = app.NewClient();
        using var gate = await client.GetAsync(new Uri(link).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, gate.StatusCode);
        using var qr = await (await HtmlForm.FindAsync(gate, button: "Continue")).SubmitAsync(client, new Dictionary<string, string> { ["Gate.Password"] = Password });
        Assert.Equal(HttpStatusCode.OK, qr.StatusCode);
        var qrForm = await HtmlForm.FindAsync(qr, button: "Pair device");
        var document = new HtmlParser().ParseDocument(await qr.Content.ReadAsStringAsync());
        var key = document.QuerySelector("code.secret")?.TextContent ?? throw new InvalidOperationException($"No key for {login}: the secret is missing.");
        var code = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(key.Replace(" ", string.Empty, StringComparison.Ordinal))).ComputeTotp(DateTime.UtcNow);
        using var done = await qrForm.SubmitAsync(client, new Dictionary<string, string> { ["Code"] = code });
        Assert.Contains("Your mobile device is paired", await done.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
