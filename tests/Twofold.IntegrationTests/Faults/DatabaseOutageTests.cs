using System.Net;
using Microsoft.EntityFrameworkCore;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Faults;

/// <summary>
/// The database goes away (its folder disappears, as when a volume is unmounted) and comes back:
/// pages answer 503 with a clear message, /health says Unhealthy, and the app recovers by itself.
/// </summary>
public sealed class DatabaseOutageTests(DatabaseOutageTests.UnpooledFactory factory) : IClassFixture<DatabaseOutageTests.UnpooledFactory>
{
    /// <summary>No connection pool: an open pooled SQLite handle would keep reading the moved file.</summary>
    public sealed class UnpooledFactory : TwofoldFactory
    {
        protected override void AddSettings(IDictionary<string, string?> settings)
        {
            base.AddSettings(settings);
            if (string.Equals(settings["Database:Provider"], "Sqlite", StringComparison.OrdinalIgnoreCase))
            {
                settings["ConnectionStrings:Default"] += ";Pooling=False";
            }
        }
    }

    [Fact]
    public async Task DatabaseGone_Pages503AndHealthUnhealthy_ThenRecoversByItself()
    {
        if (!await factory.WithDbAsync(db => Task.FromResult(db.Database.IsSqlite())))
        {
            return; // the outage is simulated on the SQLite file; PostgreSQL outages are the pg tests' business
        }

        var stories = new UserStories(factory);
        var user = await stories.NewUserAsync();
        var browser = await stories.SignInAsync(user);
        var folder = Path.GetDirectoryName(factory.DatabasePath)!;
        var away = folder + ".away";

        Directory.Move(folder, away);
        try
        {
            var profile = await browser.GetAsync("/profile");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, profile.Status);
            Assert.Contains("cannot reach its database", profile.Text, StringComparison.Ordinal);
            Assert.Equal("no-store", profile.CacheControl);

            var signIn = await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, signIn.Status);
            Assert.Contains("cannot reach its database", signIn.Text, StringComparison.Ordinal);

            using var client = factory.CreateBrowserClient();
            using var health = await client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal("Unhealthy", await health.Content.ReadAsStringAsync());
            using var raw = await client.GetAsync("/profile");
            Assert.True(raw.StatusCode is HttpStatusCode.Found or HttpStatusCode.ServiceUnavailable); // anonymous: sent to log in first
            Assert.Contains(factory.Logs.Entries, e => e.EventId == LogEvents.DatabaseUnavailable);
        }
        finally
        {
            Directory.Move(away, folder);
        }

        using (var client = factory.CreateBrowserClient())
        {
            using var health = await Eventually.MatchAsync(() => client.GetAsync("/health"), r => r.StatusCode == HttpStatusCode.OK, "healthy again");
            Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/profile")).Status);
        await stories.SignInAsync(user);
    }
}
