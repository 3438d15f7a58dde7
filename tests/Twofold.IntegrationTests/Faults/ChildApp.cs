using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Twofold.IntegrationTests.Infrastructure;

namespace Twofold.IntegrationTests.Faults;

/// <summary>
/// The built app (twofold.dll, copied next to the tests) as a real child process: Kestrel on
/// 127.0.0.1, the given <see cref="TestDatabase"/> (a SQLite file or a PostgreSQL database), settings by
/// environment. <see cref="Kill"/> is SIGKILL: no shutdown code runs, exactly like kill -9.
/// </summary>
public sealed class ChildApp : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Dictionary<string, string> settings;
    private Process? process;

    public ChildApp(string folder, TestDatabase database, IReadOnlyDictionary<string, string> extraSettings)
    {
        Folder = folder;
        Port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");
        settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["ConnectionStrings__Default"] = database.ConnectionString,
            ["Database__Provider"] = database.Provider,
            ["App__PublicBaseUrl"] = BaseAddress.ToString(),
            ["Security__FormPostsPerMinutePerIp"] = "100000",
            ["Smtp__Security"] = "None",
            ["Smtp__PollSeconds"] = "0.1",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in extraSettings)
        {
            settings[key] = value;
        }
    }

    public static string AppDll => Path.Combine(AppContext.BaseDirectory, "twofold.dll");

    public string Folder { get; }

    /// <summary>Kept across restarts, so links in queued mails stay valid.</summary>
    public int Port { get; }

    public Uri BaseAddress { get; }

    public string LogPath => Path.Combine(Folder, "child.log");

    /// <summary>Changes a setting for the next <see cref="StartAsync"/> (e.g. the SMTP server appears).</summary>
    public void Set(string key, string value) => settings[key] = value;

    /// <summary>Runs the admin CLI of the same build against the same database; asserts exit code 0.</summary>
    public async Task RunCliAsync(params string[] args)
    {
        using var cli = Process.Start(StartInfo(args)) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = cli.StandardOutput.ReadToEndAsync();
        var errors = cli.StandardError.ReadToEndAsync();
        await cli.WaitForExitAsync().WaitAsync(StartTimeout);
        Assert.True(cli.ExitCode == 0, $"twofold {string.Join(' ', args)} exited {cli.ExitCode}: {await output} {await errors}");
    }

    public async Task StartAsync()
    {
        if (process is not null)
        {
            throw new InvalidOperationException("Already running.");
        }

        process = Process.Start(StartInfo(["--urls", BaseAddress.ToString().TrimEnd('/'), "--contentRoot", Folder]))
            ?? throw new InvalidOperationException("dotnet did not start.");
        var log = new StreamWriter(LogPath, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {process.ExitCode} while starting; see {LogPath}: {ReadLog()}");
            }

            try
            {
                using var health = await client.GetAsync("/health");
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The app did not become healthy within {StartTimeout.TotalSeconds} s; see {LogPath}: {ReadLog()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL, then waits until the process is gone.</summary>
    public void Kill()
    {
        if (process is null)
        {
            return;
        }

        process.Kill(); // the app is this one process; a tree walk would only delay the kill
        process.WaitForExit();
        process.Dispose();
        process = null;
    }

    public HttpClient NewClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

    public void Dispose() => Kill();

    private string ReadLog()
    {
        try
        {
            var text = File.ReadAllText(LogPath);
            return text.Length > 3000 ? text[^3000..] : text;
        }
        catch (IOException)
        {
            return "(log unreadable)";
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Folder,
        };
        info.ArgumentList.Add(AppDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
