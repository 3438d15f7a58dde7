using System.Buffers;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Twofold.IntegrationTests.Infrastructure;

/// <summary>
/// An SMTP server on 127.0.0.1 that keeps every mail it receives. Stop it and start it again
/// (same port) to simulate an outage of the mail server.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30); // an upper bound: CI machines are shared and loaded

    private readonly Lock gate = new();
    private readonly List<MimeMessage> messages = [];
    private TaskCompletionSource received = NewSignal();
    private SmtpServer.SmtpServer? server;
    private Task? running;

    public SmtpSink()
    {
        // Ask the OS for a free port once; restarts reuse it so the app's configuration stays valid.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public const string Host = "127.0.0.1";

    public int Port { get; }

    public bool IsRunning => server is not null;

    /// <summary>
    /// Wait after keeping a mail, before answering "250 OK": makes a sender's delivery slow, so a test can
    /// crash it while it waits for the answer (the mail is received, the sender does not know yet).
    /// </summary>
    public TimeSpan AcceptDelay { get; set; }

    /// <summary>A snapshot of every mail received so far, oldest first.</summary>
    public IReadOnlyList<MimeMessage> Messages
    {
        get
        {
            lock (gate)
            {
                return [.. messages];
            }
        }
    }

    /// <summary>Mails to one address (case-insensitive), oldest first.</summary>
    public IReadOnlyList<MimeMessage> MessagesTo(string address) =>
        Messages.Where(m => IsTo(m, address)).ToList();

    public static bool IsTo(MimeMessage message, string address) =>
        message.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase));

    /// <summary>Starts listening; returns once a client can connect.</summary>
    public async Task StartAsync()
    {
        if (server is not null)
        {
            throw new InvalidOperationException("The SMTP sink is already running.");
        }

        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        server = new SmtpServer.SmtpServer(options, services);
        running = server.StartAsync(CancellationToken.None);
        await WaitUntilListeningAsync();
    }

    /// <summary>Stops listening; a client then gets "connection refused" until <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (server is null)
        {
            return;
        }

        server.Shutdown();
        await server.ShutdownTask.WaitAsync(DefaultTimeout);
        try
        {
            await running!.WaitAsync(DefaultTimeout);
        }
        catch (OperationCanceledException)
        {
            // Shutdown cancels the listener.
        }

        server = null;
        running = null;
    }

    /// <summary>Waits for a mail matching <paramref name="predicate"/> (already received or arriving); default timeout <see cref="DefaultTimeout"/>.</summary>
    public async Task<MimeMessage> WaitForMessageAsync(Func<MimeMessage, bool> predicate, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            Task next;
            lock (gate)
            {
                var found = messages.FirstOrDefault(predicate);
                if (found is not null)
                {
                    return found;
                }

                next = received.Task;
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero || await Task.WhenAny(next, Task.Delay(remaining)) != next)
            {
                throw new TimeoutException(
                    $"No matching mail arrived at the SMTP sink (port {Port}, {(IsRunning ? "running" : "stopped")}) within {limit.TotalSeconds:0.#} s. " +
                    $"Received {Messages.Count}: {Describe(Messages)}");
            }
        }
    }

    /// <summary>Waits for a mail to <paramref name="address"/>.</summary>
    public Task<MimeMessage> WaitForMessageToAsync(string address, TimeSpan? timeout = null) =>
        WaitForMessageAsync(m => IsTo(m, address), timeout);

    public async ValueTask DisposeAsync() => await StopAsync();

    private void Add(MimeMessage message)
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            messages.Add(message);
            signal = received;
            received = NewSignal();
        }

        signal.SetResult();
    }

    private async Task WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow + DefaultTimeout;
        while (true)
        {
            if (running!.IsFaulted)
            {
                await running; // e.g. the port is taken: surface the real error
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    private static string Describe(IEnumerable<MimeMessage> received) =>
        string.Join("; ", received.Select(m => $"to {string.Join(',', m.To.Mailboxes.Select(b => b.Address))} \"{m.Subject}\""));

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Store(SmtpSink sink) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            sink.Add(await MimeMessage.LoadAsync(stream, cancellationToken));
            if (sink.AcceptDelay > TimeSpan.Zero)
            {
                await Task.Delay(sink.AcceptDelay, cancellationToken);
            }

            return SmtpResponse.Ok;
        }
    }
}
