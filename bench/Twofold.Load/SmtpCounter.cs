using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Twofold.Load;

/// <summary>
/// A minimal local SMTP sink that only counts messages and connections (bodies are dropped). Hand-written
/// rather than the SmtpServer package the tests use: that server's replies, with Nagle on, cost ~60 ms a
/// message here, so it measured itself instead of Twofold's delivery rate. Sockets run with NoDelay.
/// </summary>
internal sealed class SmtpCounter : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private TcpListener? listener;
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
        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        _ = AcceptLoopAsync(listener);
        return Task.CompletedTask;
    }

    private async Task AcceptLoopAsync(TcpListener server)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await server.AcceptTcpClientAsync(stop.Token);
                client.NoDelay = true;
                Interlocked.Increment(ref sessions);
                _ = ServeAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.Latin1);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = false };
            await writer.WriteLineAsync("220 localhost sink");
            await writer.FlushAsync();
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-localhost");
                        await writer.WriteLineAsync("250-PIPELINING");
                        await writer.WriteLineAsync("250 8BITMIME");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                        await writer.FlushAsync();
                        while (await reader.ReadLineAsync(stop.Token) is { } data && data != ".")
                        {
                        }

                        Count();
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 bye");
                        await writer.FlushAsync();
                        return;
                    default:
                        await writer.WriteLineAsync("250 OK");
                        break;
                }

                // Pipelined commands: answer them together once the client waits for replies.
                if (client.Available == 0)
                {
                    await writer.FlushAsync();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
        {
            // Client went away or sink stopped.
        }
    }

    private void Count()
    {
        var now = DateTime.UtcNow.Ticks;
        Interlocked.CompareExchange(ref firstTicks, now, 0);
        Interlocked.Exchange(ref lastTicks, now);
        Interlocked.Increment(ref messages);
    }

    public ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener?.Stop();
        stop.Dispose();
        return ValueTask.CompletedTask;
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
