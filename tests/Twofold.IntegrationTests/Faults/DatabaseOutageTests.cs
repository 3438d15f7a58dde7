using System.Net;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.IntegrationTests.Mail;
using Twofold.Mail;

namespace Twofold.IntegrationTests.Faults;

/// <summary>
/// The database goes away and comes back, on either provider: on SQLite its folder disappears (as when
/// a volume is unmounted). On PostgreSQL, two ways: <see cref="Outage.Network"/>, the app reaches the
/// server through a <see cref="TcpGate"/> that is cut (open connections reset, new ones refused, as when
/// the database host dies); <see cref="Outage.Server"/>, the server closes the database
/// (<c>ALLOW_CONNECTIONS false</c> and <c>pg_terminate_backend</c>, as in maintenance or a shutdown: 57P01
/// on open sessions, 55000 on connect). Pages answer 503
/// with a clear message, /health says Unhealthy, a change tried meanwhile is not half-saved, mail queued
/// before the outage is not lost, and the app recovers by itself.
/// </summary>
public sealed class DatabaseOutageTests(DatabaseOutageTests.OutageFactory factory, Xunit.Abstractions.ITestOutputHelper output)
    : IClassFixture<DatabaseOutageTests.OutageFactory>
{
    public enum Outage
    {
        Network,
        Server,
    }

    /// <summary>A factory whose database can be taken away (<see cref="CutDatabaseAsync"/>) and given back.</summary>
    public sealed class OutageFactory : TwofoldFactory
    {
        private TcpGate? gate;
        private string? away;

        public async Task CutDatabaseAsync(Outage outage)
        {
            if (Database.IsPostgres && outage == Outage.Network)
            {
                Gate.Cut();
                return;
            }

            if (Database.IsPostgres)
            {
                await ServerAsync($"ALTER DATABASE \"{DatabaseName}\" ALLOW_CONNECTIONS false");
                await ServerAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{DatabaseName}'");
                return;
            }

            var folder = Path.GetDirectoryName(DatabasePath)!;
            away = folder + ".away";
            Directory.Move(folder, away);
        }

        public async Task RestoreDatabaseAsync()
        {
            if (Database.IsPostgres)
            {
                Gate.Restore();
                await ServerAsync($"ALTER DATABASE \"{DatabaseName}\" ALLOW_CONNECTIONS true");
                return;
            }

            if (away is not null)
            {
                Directory.Move(away, Path.GetDirectoryName(DatabasePath)!);
                away = null;
            }
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            gate?.Dispose();
        }

        protected override void AddSettings(IDictionary<string, string?> settings)
        {
            base.AddSettings(settings);
            if (Database.IsPostgres)
            {
                // Pooled, as in production: the pool's connections are reset by the cut.
                var direct = new NpgsqlConnectionStringBuilder(Database.ConnectionString);
                gate = new TcpGate(direct.Host!, direct.Port);
                settings["ConnectionStrings:Default"] = new NpgsqlConnectionStringBuilder(Database.ConnectionString)
                {
                    Host = "127.0.0.1",
                    Port = gate.Port,
                }.ConnectionString;
            }
            else
            {
                // No connection pool: an open pooled SQLite handle would keep reading the moved file.
                settings["ConnectionStrings:Default"] += ";Pooling=False";
            }
        }

        private TcpGate Gate => gate ?? throw new InvalidOperationException("The gate is made with the app's settings.");

        private string DatabaseName => new NpgsqlConnectionStringBuilder(Database.ConnectionString).Database!;

        /// <summary>Runs <paramref name="sql"/> on the server's maintenance database, as its administrator.</summary>
        private static async Task ServerAsync(string sql)
        {
            var admin = new NpgsqlConnectionStringBuilder(TestDatabase.PostgresServer!) { Database = "postgres", Pooling = false };
            await using var connection = new NpgsqlConnection(admin.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>On SQLite both cases are the same (the file's folder disappears).</summary>
    [Theory]
    [InlineData(Outage.Network)]
    [InlineData(Outage.Server)]
    public async Task DatabaseGone_Pages503AndHealthUnhealthy_NothingLost_ThenRecoversByItself(Outage outage)
    {
        var stories = new UserStories(factory);
        var user = await stories.NewUserAsync();
        var browser = await stories.SignInAsync(user);

        // Before the outage: a pairing mail is queued while the mail server is down too.
        var queued = await stories.NewUserAsync(user.OperatorCode);
        var queuedBrowser = await stories.SignInAsync(queued);
        await factory.Smtp.StopAsync();
        var saved = await (await queuedBrowser.GetAsync("/profile")).Form("Update").Check("Use two factor authentication").SubmitAsync();
        Assert.Contains("A pairing link has been sent", saved.Text, StringComparison.Ordinal);
        var mailId = await factory.WithDbAsync(db => db.Outbox.Where(m => m.ToAddress == queued.Email).Select(m => m.Id).SingleAsync());
        await factory.WaitForOutboxRowAsync(mailId, r => r.Attempts >= 1, "a failed attempt while the mail server is down");

        var turnOn = (await browser.GetAsync("/profile")).Form("Update").Check("Use two factor authentication");
        var loggedBefore = factory.Logs.Entries.Count;
        await factory.CutDatabaseAsync(outage);
        try
        {
            var profile = await browser.GetAsync("/profile");
            AssertUnavailablePage(profile);
            Assert.Equal("no-store", profile.CacheControl);

            AssertUnavailablePage(await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user));
            AssertUnavailablePage(await turnOn.SubmitAsync());

            using var client = factory.CreateBrowserClient();
            using var health = await client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal("Unhealthy", await health.Content.ReadAsStringAsync());
            using var raw = await client.GetAsync("/profile");
            Assert.True(raw.StatusCode is HttpStatusCode.Found or HttpStatusCode.ServiceUnavailable); // anonymous: sent to log in first
            var seen = factory.Logs.Entries.Skip(loggedBefore).Where(e => e.EventId == LogEvents.DatabaseUnavailable).Select(e => Describe(e.Exception)).Distinct().ToList();
            Assert.NotEmpty(seen);
            output.WriteLine($"{factory.Database.Provider}, {outage}: outage seen as {string.Join("; ", seen)}");

            // The sender keeps polling a database it cannot reach; it must survive that.
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        finally
        {
            await factory.RestoreDatabaseAsync();
        }

        using (var client = factory.CreateBrowserClient())
        {
            using var health = await Eventually.MatchAsync(() => client.GetAsync("/health"), r => r.StatusCode == HttpStatusCode.OK, "healthy again");
            Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        }

        // Recovered without a restart: the session from before still works, and so does a new sign-in.
        Assert.Equal(HttpStatusCode.OK, (await Eventually.MatchAsync(() => browser.GetAsync("/profile"), p => p.Status == HttpStatusCode.OK, "profile again")).Status);
        await stories.SignInAsync(user);

        // The change answered with 503 was not saved, not half-saved and queued no mail.
        Assert.False(await factory.WithDbAsync(db => db.Users.Where(u => u.Email == user.Email).Select(u => u.TwoFactorEnabled).SingleAsync()));
        Assert.Equal(0, await factory.WithDbAsync(db => db.Outbox.CountAsync(m => m.ToAddress == user.Email)));

        // The mail queued before the outage arrives once the mail server is back, exactly once, and pairs.
        await factory.Smtp.StartAsync();
        var due = (await factory.OutboxRowAsync(mailId)).NextAttemptAt - factory.Time.GetUtcNow();
        factory.Time.Advance(due > TimeSpan.Zero ? due : TimeSpan.Zero);
        var mail = await stories.PairingMailAsync(queued);
        await factory.WaitForOutboxRowAsync(mailId, r => r.Status == OutboxStatus.Sent, "sent after both outages");
        Assert.Single(factory.Smtp.MessagesTo(queued.Email));
        Assert.Contains("Your mobile device is paired", (await stories.PairAsync(queued, mail)).Text, StringComparison.Ordinal);

        // And the change tried during the outage works now, mail included.
        await stories.TurnOnTwoFactorAsync(browser, user);
    }

    /// <summary>The exception chain, e.g. "NpgsqlException > SocketException", with PostgreSQL's SqlState.</summary>
    private static string Describe(Exception? exception)
    {
        var parts = new List<string>();
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            parts.Add(ex is PostgresException pg ? $"{ex.GetType().Name} {pg.SqlState}" : ex.GetType().Name);
        }

        return string.Join(" > ", parts);
    }

    private static void AssertUnavailablePage(WebPage page)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.Status);
        Assert.Contains("cannot reach its database", page.Text, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", page.Html, StringComparison.Ordinal); // no stack trace, no type names
        Assert.DoesNotContain(" at Twofold.", page.Html, StringComparison.Ordinal);
    }
}
