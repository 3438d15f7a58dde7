using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.BrowserTests.Infrastructure;

/// <summary>
/// The app on a real Kestrel socket on 127.0.0.1, so a real browser can reach it, on the real clock
/// (oathtool computes codes from the real time). Everything else as <see cref="TwofoldFactory"/>:
/// its own database, the SMTP sink receiving the outbox's mail.
/// </summary>
public sealed class KestrelFactory : TwofoldFactory, IAsyncLifetime
{
    private readonly int port = FreeLoopbackPort();

    public KestrelFactory() =>
        // Pairing links in emails are absolute (App:PublicBaseUrl), so the port is chosen before start.
        UseKestrel(options => options.Listen(IPAddress.Loopback, port));

    public Uri BaseAddress => new($"http://127.0.0.1:{port}");

    protected override bool UseFakeClock => false;

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Assert.Contains(addresses, a => new Uri(a).Port == port);
    }

    protected override void AddSettings(IDictionary<string, string?> settings)
    {
        base.AddSettings(settings);
        settings["App:PublicBaseUrl"] = BaseAddress.ToString().TrimEnd('/');
    }

    private static int FreeLoopbackPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var free = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return free;
    }
}
