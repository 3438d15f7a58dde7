using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Twofold.Web;

/// <summary>
/// Which reverse proxies may tell the app the client's address and scheme (X-Forwarded-For/-Proto).
/// Empty (default): only a proxy on the same machine (loopback). Set: exactly the listed addresses
/// and networks, so a client cannot fake its IP (rate limits) or HTTPS (Secure cookies) by sending
/// the headers itself.
/// </summary>
public sealed class ProxyOptions : IValidatableObject
{
    public const string SectionName = "App";

    /// <summary>Proxy IP addresses, e.g. ["10.0.0.5", "fd00::5"].</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. ["10.0.0.0/24"].</summary>
    public string[] KnownNetworks { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            yield return new ValidationResult($"App:KnownProxies must hold IP addresses, e.g. 10.0.0.5 (got '{proxy}').", [nameof(KnownProxies)]);
        }

        foreach (var network in KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
        {
            yield return new ValidationResult($"App:KnownNetworks must hold CIDR networks, e.g. 10.0.0.0/24 (got '{network}').", [nameof(KnownNetworks)]);
        }
    }

    /// <summary>Applies the configured proxies to ASP.NET Core's forwarded-headers middleware.</summary>
    internal sealed class Setup(IOptions<ProxyOptions> proxies) : IConfigureOptions<ForwardedHeadersOptions>
    {
        public void Configure(ForwardedHeadersOptions options)
        {
            // Only what a TLS-terminating proxy must pass on; X-Forwarded-Host is not trusted (links use App:PublicBaseUrl).
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            var value = proxies.Value;
            if (value.KnownProxies.Length == 0 && value.KnownNetworks.Length == 0)
            {
                return; // ASP.NET Core's default: loopback only.
            }

            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in value.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in value.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        }
    }
}
