using System.Net;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.IntegrationTests.Stories;

namespace Twofold.IntegrationTests.Audit;

/// <summary>"Forgot password?" posts share the per-IP limit of the sign-in posts (its own factory: 3 a minute).</summary>
public sealed class ForgotPasswordRateLimitTests(OperationsTests.LowLimitFactory factory) : IClassFixture<OperationsTests.LowLimitFactory>
{
    [Fact]
    public async Task ForgotPasswordPosts_AreRateLimitedPerClientIp()
    {
        var stories = new UserStories(factory);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var page = await stories.NewBrowser().GetAsync("/login/forgot-password");
            statuses.Add((await page.Form("Send reset link").Fill("Operator code", "NOSUCHOP").Fill("Login", "nobody").SubmitAsync()).Status);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }
}
