using System.Globalization;
using System.Net;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Login;

/// <summary>
/// Security:ConcurrentPasswordSteps: at most that many password steps run at once, the rest wait in a queue, and
/// one beyond the queue is told the server is busy (503, Retry-After), not an error page and not the per-IP message.
/// </summary>
public sealed class PasswordStepLimitTests
{
    private const int Browsers = 12;

    public sealed class OneAtATimeNoQueueFactory : TwofoldFactory
    {
        protected override void AddSettings(IDictionary<string, string?> settings)
        {
            base.AddSettings(settings);
            settings["Security:ConcurrentPasswordSteps"] = "1";
            settings["Security:QueuedPasswordSteps"] = "0";
        }
    }

    public sealed class OneAtATimeQueuedFactory : TwofoldFactory
    {
        protected override void AddSettings(IDictionary<string, string?> settings)
        {
            base.AddSettings(settings);
            settings["Security:ConcurrentPasswordSteps"] = "1";
            settings["Security:QueuedPasswordSteps"] = "100";
        }
    }

    [Fact]
    public async Task BeyondTheQueue_PasswordStepsAreToldTheServerIsBusy()
    {
        await using var factory = new OneAtATimeNoQueueFactory();
        await factory.InitializeAsync();
        var responses = await PostPasswordsAtOnceAsync(factory);

        // Each password step hashes for tens of milliseconds (Identity's default), so twelve at once overlap.
        var busy = responses.Where(r => r.Status == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(busy);
        Assert.Contains(responses, r => r.Status == HttpStatusCode.OK && r.Body.Contains("name=\"Input.Code\"", StringComparison.Ordinal));
        Assert.All(responses, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{r.Status}: {r.Body}"));
        Assert.All(busy, r =>
        {
            Assert.Equal("Many people are signing in right now. Try again in a few seconds.", r.Body);
            Assert.True(int.Parse(r.RetryAfter ?? "", CultureInfo.InvariantCulture) > 0);
        });

        // The other pages are not behind the password steps' limit.
        using var client = factory.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/login")).StatusCode);
    }

    [Fact]
    public async Task WithinTheQueue_EveryPasswordStepWaitsItsTurnAndSucceeds()
    {
        await using var factory = new OneAtATimeQueuedFactory();
        await factory.InitializeAsync();
        var responses = await PostPasswordsAtOnceAsync(factory);

        Assert.All(responses, r => Assert.True(
            r.Status == HttpStatusCode.OK && r.Body.Contains("name=\"Input.Code\"", StringComparison.Ordinal), $"{r.Status}: {r.Body}"));

        // The hashes hold pool threads; the pool keeps that many more than one per processor.
        ThreadPool.GetMinThreads(out var workers, out _);
        Assert.True(workers >= Environment.ProcessorCount + 1, $"min worker threads {workers}");
    }

    [Fact]
    public async Task AfterTheLimiterWasIdle_PasswordStepsStillWork()
    {
        // The rate-limiting middleware disposes a partition's limiter after 10 idle seconds and asks its factory
        // for a new one; a factory handing back the disposed instance made every later password step a 500.
        await using var factory = new OneAtATimeQueuedFactory();
        await factory.InitializeAsync();
        var stories = new UserStories(factory);
        var user = await stories.NewUserAsync();
        await stories.TurnOnAndPairAsync(user);

        await Task.Delay(TimeSpan.FromSeconds(11.5));
        var dialog = await UserStories.SubmitPasswordAsync(stories.NewBrowser(), user);

        Assert.True(dialog.Status == HttpStatusCode.OK && dialog.IsCodeDialog, $"{dialog.Status}: {dialog.Text.Trim()}");
    }

    private sealed record Answer(HttpStatusCode Status, string Body, string? RetryAfter);

    /// <summary>One paired user, <see cref="Browsers"/> browsers on the sign-in form; all post the right password at once.</summary>
    private static async Task<IReadOnlyList<Answer>> PostPasswordsAtOnceAsync(TwofoldFactory factory)
    {
        var stories = new UserStories(factory);
        var user = await stories.NewUserAsync();
        await stories.TurnOnAndPairAsync(user);

        var posts = new List<(Browser Browser, FormUrlEncodedContent Form)>();
        for (var i = 0; i < Browsers; i++)
        {
            var browser = stories.NewBrowser();
            var fields = (await browser.GetAsync("/login")).Form("Log in")
                .Fill("Operator code", user.OperatorCode).Fill("Login", user.Login).Fill("Password", user.Password).Fields();
            posts.Add((browser, new FormUrlEncodedContent(fields)));
        }

        var answers = await Task.WhenAll(posts.Select(async post =>
        {
            using var response = await post.Browser.Client.PostAsync("/login", post.Form);
            return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.RetryAfter?.ToString());
        }));
        foreach (var (_, form) in posts)
        {
            form.Dispose();
        }

        return answers;
    }
}
