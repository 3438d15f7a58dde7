using System.Net;
using Microsoft.AspNetCore.Http;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Deployment;

/// <summary>
/// Behind a TLS-terminating proxy the app must see HTTPS (Secure cookies) only when a trusted proxy
/// says so: App:KnownProxies / App:KnownNetworks, loopback by default.
/// </summary>
public sealed class ForwardedHeadersTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.0.0.5", false)]
    public async Task Default_TrustsOnlyLoopbackProxies(string remote, bool secure)
    {
        await using var factory = new TwofoldFactory();
        await factory.InitializeAsync();
        Assert.Equal(secure, await CookieIsSecureAsync(factory, remote));
    }

    [Theory]
    [InlineData("10.0.0.5", true)]
    [InlineData("10.1.200.7", true)]
    [InlineData("10.0.0.6", false)]
    [InlineData("127.0.0.1", false)]
    public async Task Configured_TrustsExactlyTheListedProxiesAndNetworks(string remote, bool secure)
    {
        await using var factory = new ProxyFactory(("App:KnownProxies:0", "10.0.0.5"), ("App:KnownNetworks:0", "10.1.0.0/16"));
        await factory.InitializeAsync();
        Assert.Equal(secure, await CookieIsSecureAsync(factory, remote));
    }

    [Theory]
    [InlineData("App:KnownProxies:0", "proxy.example", "App:KnownProxies must hold IP addresses")]
    [InlineData("App:KnownNetworks:0", "10.0.0.0/99", "App:KnownNetworks must hold CIDR networks")]
    public async Task BadProxySetting_StopsStartUp_NamingTheKey(string key, string value, string message)
    {
        await using var bad = new ProxyFactory((key, value));
        var error = await Assert.ThrowsAnyAsync<Exception>(bad.InitializeAsync);
        Assert.True(error.ToString().Contains(message, StringComparison.Ordinal), error.ToString());
    }

    /// <summary>GET /login as if from <paramref name="remote"/> claiming HTTPS; true when the antiforgery cookie came back Secure.</summary>
    private static async Task<bool> CookieIsSecureAsync(TwofoldFactory factory, string remote)
    {
        var context = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = "/login";
            c.Connection.RemoteIpAddress = IPAddress.Parse(remote);
            c.Request.Headers["X-Forwarded-Proto"] = "https";
            c.Request.Headers["X-Forwarded-For"] = "203.0.113.7";
        });
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        var cookie = context.Response.Headers.SetCookie.Single(v => v!.StartsWith("Twofold.Antiforgery=", StringComparison.Ordinal))!;
        return cookie.Contains("; secure", StringComparison.OrdinalIgnoreCase);
    }

    private sealed class ProxyFactory(params (string Key, string Value)[] extra) : TwofoldFactory
    {
        protected override void AddSettings(IDictionary<string, string?> settings)
        {
            base.AddSettings(settings);
            foreach (var (key, value) in extra)
            {
                settings[key] = value;
            }
        }
    }
}
