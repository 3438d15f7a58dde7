using System.Buffers;
using System.Net;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Twofold.Load;

/// <summary>A local SMTP sink that only counts messages and connections (bodies are dropped).</summary>
internal sealed class SmtpCounter : MessageStore, IAsyncDisposable
{
    private SmtpServer.SmtpServer? server;
    private int messages;
    private int sessions;
    private long firstTicks;
    private long lastTicks;

    public int Messages => Volatile.Read(ref messages);

    public int Sessions => Volatile.Read(ref sessions);

    /// <summary>Seconds between the first and the last message received.</summary>
    public double ActiveSeconds => (Interlocked.Read(ref lastTicks) - Interlocked.Read(ref firstTicks)) / (double)TimeSpan.TicksPerSecond;

    public Task StartAsync(int port)
    {
        var options = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(this);
        server = new SmtpServer.SmtpServer(options, services);
        server.SessionCreated += (_, _) => Interlocked.Increment(ref sessions);
        _ = server.StartAsync(CancellationToken.None);
        return Task.CompletedTask;
    }

    public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow.Ticks;
        Interlocked.CompareExchange(ref firstTicks, now, 0);
        Interlocked.Exchange(ref lastTicks, now);
        Interlocked.Increment(ref messages);
        return Task.FromResult(SmtpResponse.Ok);
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            server.Shutdown();
            await server.ShutdownTask;
        }
    }

    /// <summary>`smtp-sink --port P [--duration S]`: prints messages/s each second.</summary>
    public static async Task<int> RunAsync(Options o)
    {
        await using var sink = new SmtpCounter();
        await sink.StartAsync(o.Int("port", 2525));
        var seconds = o.Number("duration", 3600);
        var previous = 0;
        for (var t = 1; t <= seconds; t++)
        {
            await Task.Delay(1000);
            var now = sink.Messages;
            Console.WriteLine($"t={t}s messages={now} (+{now - previous}/s) connections={sink.Sessions}");
            previous = now;
        }

        return 0;
    }
}
