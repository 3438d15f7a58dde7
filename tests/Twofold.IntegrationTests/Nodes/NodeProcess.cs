using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Twofold.IntegrationTests.Nodes;

/// <summary>
/// One real Twofold node: the built twofold.dll in its own process, Kestrel on 127.0.0.1 and a free
/// port, configured only through environment variables (as in production). Real clock, real database.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private NodeProcess(string name, Uri baseAddress, Process process)
    {
        Name = name;
        BaseAddress = baseAddress;
        this.process = process;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    /// <summary>What the node printed (console logger), for assertions and failure messages.</summary>
    public IReadOnlyCollection<string> Output => output;

    /// <summary>Starts a node and waits until /health answers 200.</summary>
    public static async Task<NodeProcess> StartAsync(string name, int port, IReadOnlyDictionary<string, string> settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "twofold.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new Process { StartInfo = start };
        var node = new NodeProcess(name, new Uri($"http://127.0.0.1:{port}"), process);
        process.OutputDataReceived += (_, e) => node.Add(e.Data);
        process.ErrorDataReceived += (_, e) => node.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await node.WaitHealthyAsync();
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    /// <summary>A port nobody listens on now (the OS picks it; the node binds it a moment later).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>How many lines of the node's log contain <paramref name="text"/>.</summary>
    public int CountOutput(string text) => output.Count(line => line.Contains(text, StringComparison.Ordinal));

    private void Add(string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }

    private async Task WaitHealthyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    string.Create(CultureInfo.InvariantCulture, $"Node {Name} exited with {process.ExitCode}:\n{string.Join('\n', output)}"));
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting (migrations, JIT).
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Node {Name} not healthy after {StartTimeout.TotalSeconds} s:\n{string.Join('\n', output)}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            // This test's own child process only.
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }
}
