using System.Net;
using System.Net.Sockets;

namespace Twofold.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback TCP proxy in front of a server (the test PostgreSQL) that a test can <see cref="Cut"/>
/// and <see cref="Restore"/>: cut resets every open connection and refuses new ones, as when the
/// database host goes down or the network between app and database fails. The server itself keeps
/// running, so other tests that share it are not disturbed.
/// </summary>
public sealed class TcpGate : IDisposable
{
    private readonly string targetHost;
    private readonly int targetPort;
    private readonly Lock sync = new();
    private readonly List<Socket> open = [];
    private TcpListener? listener;

    public TcpGate(string targetHost, int targetPort)
    {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        listener = Listen(0);
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The loopback port the app connects to instead of the server's.</summary>
    public int Port { get; }

    /// <summary>Stops listening (connection refused) and resets every connection through the gate.</summary>
    public void Cut()
    {
        List<Socket> sockets;
        lock (sync)
        {
            listener?.Stop();
            listener = null;
            sockets = [.. open];
            open.Clear();
        }

        foreach (var socket in sockets)
        {
            Reset(socket);
        }
    }

    /// <summary>Listens again on the same port; new connections reach the server.</summary>
    public void Restore()
    {
        lock (sync)
        {
            listener ??= Listen(Port);
        }
    }

    public void Dispose() => Cut();

    private TcpListener Listen(int port)
    {
        var created = new TcpListener(IPAddress.Loopback, port);
        created.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        created.Start();
        _ = AcceptAsync(created);
        return created;
    }

    private async Task AcceptAsync(TcpListener from)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await from.AcceptSocketAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return; // cut
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        lock (sync)
        {
            if (listener is null)
            {
                Reset(client);
                server.Dispose();
                return;
            }

            open.Add(client);
            open.Add(server);
        }

        try
        {
            await server.ConnectAsync(targetHost, targetPort);
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // cut, or the server went away
        }
        finally
        {
            lock (sync)
            {
                open.Remove(client);
                open.Remove(server);
            }

            Reset(client);
            Reset(server);
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // the other side was reset
        }
    }

    /// <summary>Closes with RST (linger 0), as a dead host or a broken network looks to the peer.</summary>
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // already closed
        }

        socket.Dispose();
    }
}
