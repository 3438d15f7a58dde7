using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Hostile;

/// <summary>Response headers and cookie flags, over http and behind HTTPS.</summary>
public sealed class SecurityHeadersTests(TwofoldFactory factory) : IClassFixture<TwofoldFactory>
{
    [Theory]
    [InlineData("/login")]
    [InlineData("/pair?token=nothing")]
    [InlineData("/no-such-page")]
    [InlineData("/health")]
    public async Task EveryResponse_CarriesTheSecurityHeaders(string path)
    {
        using var client = factory.CreateBrowserClient();
        using var response = await client.GetAsync(path);

        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Single(response, "Referrer-Policy"));
        var csp = Single(response, "Content-Security-Policy");
        var directives = csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d, StringComparer.Ordinal);
        Assert.Equal("frame-ancestors 'none'", directives["frame-ancestors"]);
        Assert.Equal("script-src 'self'", directives["script-src"]);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverHttp_CookiesAreHttpOnlyAndSameSiteStrict()
    {
        var cookies = await SignInCookiesAsync(factory.CreateBrowserClient());
        Assert.Contains(cookies, c => c.StartsWith("Twofold.Session=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith("Twofold.Antiforgery=", StringComparison.Ordinal));
        foreach (var cookie in cookies)
        {
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task BehindHttps_CookiesAreAlsoSecure_AndHstsIsSent()
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = true,
            // Not "localhost": HSTS is never sent to it.
            BaseAddress = new Uri("https://twofold.test"),
        });
        var cookies = await SignInCookiesAsync(client);
        Assert.Contains(cookies, c => c.StartsWith("Twofold.Session=", StringComparison.Ordinal));
        foreach (var cookie in cookies)
        {
            Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        }

        using var page = await client.GetAsync("/login");
        Assert.True(page.Headers.Contains("Strict-Transport-Security"));
    }

    /// <summary>Every Set-Cookie header seen while loading the login page and signing in.</summary>
    private async Task<List<string>> SignInCookiesAsync(HttpClient client)
    {
        var stories = new UserStories(factory);
        var user = await stories.NewUserAsync();
        var cookies = new List<string>();
        using var page = await client.GetAsync("/login");
        cookies.AddRange(page.Headers.TryGetValues("Set-Cookie", out var first) ? first : []);
        var form = await HtmlForm.FindAsync(page, button: "Log in");
        using var signedIn = await form.SubmitAsync(client, new Dictionary<string, string>
        {
            ["Input.OperatorCode"] = user.OperatorCode,
            ["Input.Login"] = user.Login,
            ["Input.Password"] = user.Password,
        });
        Assert.Equal(HttpStatusCode.Found, signedIn.StatusCode);
        cookies.AddRange(signedIn.Headers.TryGetValues("Set-Cookie", out var second) ? second : []);
        return cookies;
    }

    private static string Single(HttpResponseMessage response, string header) =>
        Assert.Single(response.Headers.TryGetValues(header, out var values) ? values : response.Content.Headers.TryGetValues(header, out var content) ? content : []);
}
