using System.Net;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Stories;

/// <summary>Health endpoint, per-IP rate limiting of sign-in posts, start-up validation of settings.</summary>
public sealed class OperationsTests(OperationsTests.LowLimitFactory factory) : IClassFixture<OperationsTests.LowLimitFactory>
{
    /// <summary>A factory whose sign-in posts are limited to 3 a minute per client IP.</summary>
    public sealed class LowLimitFactory : TwofoldFactory
    {
        protected override void AddSettings(IDictionary<string, string?> settings)
        {
            base.AddSettings(settings);
            settings["Security:FormPostsPerMinutePerIp"] = "3";
        }
    }

    private sealed class BadBaseUrlFactory : TwofoldFactory
    {
        protected override void AddSettings(IDictionary<string, string?> settings)
        {
            base.AddSettings(settings);
            settings["App:PublicBaseUrl"] = "not a url";
        }
    }

    [Fact]
    public async Task Health_IsHealthy_WhenTheDatabaseIsReachable()
    {
        using var client = factory.CreateBrowserClient();
        var response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignInPosts_AreRateLimitedPerClientIp()
    {
        var stories = new UserStories(factory);
        var user = new TestUser("NOSUCHOP", "nobody", "n@x.test", "wrong password");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user)).Status);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);

        // Pages themselves (GET) stay available; the window resets after a minute.
        Assert.Equal(HttpStatusCode.OK, (await stories.NewBrowser().GetAsync("/login")).Status);
    }

    [Fact]
    public async Task InvalidSetting_StopsStartUp_NamingTheKey()
    {
        await using var bad = new BadBaseUrlFactory();
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await bad.InitializeAsync());
        Assert.True(error.ToString().Contains("App:PublicBaseUrl must be an absolute http(s) URL", StringComparison.Ordinal), error.ToString());
    }
}
