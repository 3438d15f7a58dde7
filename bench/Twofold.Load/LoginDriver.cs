using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Twofold.Load;

/// <summary>
/// `run`: virtual users through the real sign-in flow (login page, password, [the template's code page,] code) for a
/// bounded time. Codes are computed client-side; a user signs in at most once per 30-s step (both
/// apps see the same pattern; Twofold would refuse a reused step).
/// </summary>
internal sealed class LoginDriver(Options o)
{
    private readonly string flow = o.Text("flow", "twofold");
    private readonly int users = o.Int("users", 10_000);
    private readonly int workers = o.Int("workers", 16);
    private readonly double duration = Math.Min(60, o.Number("duration", 60));
    private readonly double warmup = o.Number("warmup", 5);
    private readonly int? pid = o.Text("server-pid", "") is { Length: > 0 } p ? int.Parse(p, CultureInfo.InvariantCulture) : null;
    private readonly int? dbPid = o.Text("db-pid", "") is { Length: > 0 } p ? int.Parse(p, CultureInfo.InvariantCulture) : null;
    // With one worker the server is idle between requests, so its CPU time around a request is that request's.
    private readonly bool cpuPerStep = o.Flag("cpu-per-step");
    // Open loop (--rate R): sign-ins start at R per second whatever the answers, at most `workers` in flight.
    // A closed loop (the default) answers "how many per second at most"; at saturation its latencies follow
    // from Little's law (workers ÷ requests per second), so they compare apps only at an equal offered rate.
    private readonly double rate = o.Number("rate", 0);
    private readonly ConcurrentDictionary<string, double> stepCpu = new();
    private long next = -1;
    private long[] lastStep = [];

    public async Task<int> RunAsync()
    {
        using var http = WebSession.NewClient(o.Required("url"), workers);
        lastStep = Enumerable.Repeat(-1L, users).ToArray();

        if (warmup > 0)
        {
            // The open loop ramps up over the first half of the warm-up: a cold server (JIT, empty pools) given the
            // full rate at once piles up hundreds of connections, and that start-up, not the load, set its peak memory.
            _ = await DriveAsync(http, new Recorder(), TimeSpan.FromSeconds(warmup), ramp: TimeSpan.FromSeconds(warmup / 2));
            stepCpu.Clear();
        }

        // The peak so far (start-up, JIT, warm-up) is kept; the one of the measured window is read separately.
        var startPeak = ServerMemory.PeakMb(pid);
        var windowed = ServerMemory.ResetPeak(pid);
        var recorder = new Recorder();
        var (serverCpu, dbCpu) = (ProcessCpu.Seconds(pid), ProcessCpu.Seconds(dbPid, tree: true));
        var watch = Stopwatch.StartNew();
        var (logins, starved, refused) = await DriveAsync(http, recorder, TimeSpan.FromSeconds(duration));
        var seconds = watch.Elapsed.TotalSeconds;
        var serverMs = PerLoginMs(serverCpu, ProcessCpu.Seconds(pid), logins);
        var dbMs = PerLoginMs(dbCpu, ProcessCpu.Seconds(dbPid, tree: true), logins);
        var steps = recorder.Summarize(seconds);
        var windowPeak = windowed ? ServerMemory.PeakMb(pid) : null;
        var peak = windowed ? Math.Max(startPeak ?? 0, windowPeak ?? 0) : ServerMemory.PeakMb(pid);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"flow {flow}: {(rate > 0 ? $"open loop at {rate:F0} sign-ins/s, at most {workers} in flight" : $"{workers} workers")}, {seconds:F1} s, {users:N0} users; full two-factor logins {logins} = {logins / seconds:F1}/s; server peak memory {(peak is null ? "n/a" : $"{peak:F0} MB")}{(windowPeak is null ? "" : $" ({windowPeak:F0} MB in the measured window)")}{(starved > 0 ? $"; {starved} waits for a fresh user" : "")}{(refused > 0 ? $"; {refused} starts refused (all {workers} in flight)" : "")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CPU per full login: server {(serverMs is null ? "n/a" : $"{serverMs:F2} ms")}, database server {(dbMs is null ? "n/a (in-process or not given)" : $"{dbMs:F2} ms")}"));
        Recorder.Print(steps);
        if (cpuPerStep)
        {
            foreach (var s in steps.Where(s => stepCpu.ContainsKey(s.Step)))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"server CPU {s.Step,-18} {stepCpu[s.Step] * 1000 / s.Count,7:F3} ms per request"));
            }
        }

        if (o.Text("json", "") is { Length: > 0 } path)
        {
            var result = new RunResult(flow, workers, seconds, users, logins, logins / seconds, peak, steps, serverMs, dbMs, rate > 0 ? rate : null, refused, windowPeak);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result));
        }

        // Refused starts are a result (the offered rate was above what the server sustains), printed, not a failure.
        return steps.Sum(s => s.Errors) == 0 && logins > 0 ? 0 : 1;
    }

    private static double? PerLoginMs(double? before, double? after, int logins) =>
        before is null || after is null || logins == 0 ? null : (after.Value - before.Value) * 1000 / logins;

    private async Task<(int Logins, int Starved, int Refused)> DriveAsync(HttpClient http, Recorder recorder, TimeSpan length, TimeSpan ramp = default)
    {
        if (rate > 0)
        {
            return await DriveAtRateAsync(http, recorder, length, new StartSchedule(rate, ramp));
        }

        using var stop = new CancellationTokenSource(length);
        var logins = 0;
        var starved = 0;
        var tasks = Enumerable.Range(0, workers).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                var user = PickUser();
                if (user < 0)
                {
                    Interlocked.Increment(ref starved);
                    await Task.Delay(100, CancellationToken.None);
                    continue;
                }

                if (await CompletedSignInAsync(http, recorder, user, stop.Token))
                {
                    Interlocked.Increment(ref logins);
                }
            }
        }).ToList();
        await Task.WhenAll(tasks);
        return (logins, starved, 0);
    }

    /// <summary>
    /// Starts sign-ins on a fixed schedule (<see cref="rate"/> per second): a slow answer does not delay the next
    /// start, so the latencies are those of a server under that load (no coordinated omission). A start due while
    /// <see cref="workers"/> sign-ins are in flight is refused and counted: the offered rate was too high.
    /// </summary>
    private async Task<(int Logins, int Starved, int Refused)> DriveAtRateAsync(HttpClient http, Recorder recorder, TimeSpan length, StartSchedule schedule)
    {
        using var stop = new CancellationTokenSource(length);
        var (logins, starved, refused, inFlight) = (0, 0, 0, 0);
        var running = new List<Task>();
        var clock = Stopwatch.StartNew();
        for (long started = 0; !stop.IsCancellationRequested; await Task.Delay(1, CancellationToken.None))
        {
            for (var due = schedule.StartsDueBy(clock.Elapsed); started < due; started++)
            {
                if (Volatile.Read(ref inFlight) >= workers)
                {
                    refused++;
                    continue;
                }

                var user = PickUser();
                if (user < 0)
                {
                    starved++;
                    continue;
                }

                // Late starts (the driver's own delay) count in the full login's time, as a user would see them.
                var late = clock.Elapsed - schedule.DueTime(started);
                Interlocked.Increment(ref inFlight);
                running.Add(Task.Run(async () =>
                {
                    if (await CompletedSignInAsync(http, recorder, user, stop.Token, late))
                    {
                        Interlocked.Increment(ref logins);
                    }

                    Interlocked.Decrement(ref inFlight);
                }, CancellationToken.None));
            }
        }

        await Task.WhenAll(running);
        return (logins, starved, refused);
    }

    /// <summary>One sign-in of <paramref name="user"/>; false when a step failed or the run ended mid-flow (not counted).</summary>
    private async Task<bool> CompletedSignInAsync(HttpClient http, Recorder recorder, int user, CancellationToken stop, TimeSpan late = default)
    {
        try
        {
            return await SignInAsync(http, recorder, user, stop, late);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            // Ended before its code was computed (a failed step): free again from the next step on.
            Interlocked.CompareExchange(ref lastStep[user], LoadUsers.Step(DateTimeOffset.UtcNow), long.MaxValue);
        }
    }

    /// <summary>The next user not yet used in the current 30-s step, or -1 if all were.</summary>
    private int PickUser()
    {
        var step = LoadUsers.Step(DateTimeOffset.UtcNow);
        for (var tries = 0; tries < users; tries++)
        {
            var i = (int)(Interlocked.Increment(ref next) % users);
            var last = Interlocked.Read(ref lastStep[i]);
            // Claimed as "in flight" (never < a step) until its code's step is known: a sign-in picked at the end
            // of a step computes its code in the next one, and the user must not be picked again in that step.
            if (last < step && Interlocked.CompareExchange(ref lastStep[i], long.MaxValue, last) == last)
            {
                return i;
            }
        }

        return -1;
    }

    private async Task<bool> SignInAsync(HttpClient http, Recorder recorder, int user, CancellationToken ct, TimeSpan late = default)
    {
        var web = new WebSession(http);
        var template = flow == "template";
        var loginPath = template ? "/Identity/Account/Login" : "/login";
        var total = Stopwatch.StartNew();

        var page = await TimedAsync(recorder, "GET login page", () => web.GetAsync(loginPath, ct), HttpStatusCode.OK);
        if (page is null)
        {
            return false;
        }

        List<KeyValuePair<string, string>> form = template
            ? [new("Input.Email", LoadUsers.Email(user)), new("Input.Password", LoadUsers.Password), new("Input.RememberMe", "false")]
            : [new("Input.OperatorCode", LoadUsers.OperatorCode), new("Input.Login", LoadUsers.Login(user)), new("Input.Password", LoadUsers.Password), new("ReturnUrl", "")];
        form.Add(new("__RequestVerificationToken", WebSession.Token(page.Value.Body)));
        // Twofold answers a right password with the code dialog itself; the template redirects to its code page.
        var password = template
            ? await TimedAsync(recorder, "POST password", () => web.PostAsync(loginPath, form, ct), HttpStatusCode.Redirect,
                r => r.Location?.Contains("LoginWith2fa", StringComparison.OrdinalIgnoreCase) == true)
            : await TimedAsync(recorder, "POST password", () => web.PostAsync(loginPath, form, ct), HttpStatusCode.OK,
                r => r.Body.Contains("name=\"Input.Code\"", StringComparison.Ordinal));
        if (password is null)
        {
            return false;
        }

        var codePath = "/login/two-factor";
        var dialog = password.Value.Body;
        if (template)
        {
            codePath = new Uri(new Uri(http.BaseAddress!, loginPath), password.Value.Location!).PathAndQuery;
            var codePage = await TimedAsync(recorder, "GET code page", () => web.GetAsync(codePath, ct), HttpStatusCode.OK);
            if (codePage is null)
            {
                return false;
            }

            dialog = codePage.Value.Body;
        }

        var codeStep = LoadUsers.Step(DateTimeOffset.UtcNow);
        Interlocked.Exchange(ref lastStep[user], codeStep);
        var code = LoadUsers.Code(LoadUsers.Secret(user), codeStep);
        List<KeyValuePair<string, string>> codeForm = template
            ? [new("Input.TwoFactorCode", code), new("Input.RememberMachine", "false")]
            : [new("Input.Code", code), new("ReturnUrl", "")];
        codeForm.Add(new("__RequestVerificationToken", WebSession.Token(dialog)));
        var done = await TimedAsync(recorder, "POST code", () => web.PostAsync(codePath, codeForm, ct), HttpStatusCode.Redirect,
            r => r.Location is { } l && !l.Contains("login", StringComparison.OrdinalIgnoreCase));
        if (done is null)
        {
            return false;
        }

        recorder.Add("full login", (late + total.Elapsed).TotalMilliseconds);
        return true;
    }

    private async Task<(HttpStatusCode Status, string Body, string? Location)?> TimedAsync(
        Recorder recorder, string step, Func<Task<(HttpStatusCode Status, string Body, string? Location)>> send, HttpStatusCode expected,
        Func<(HttpStatusCode Status, string Body, string? Location), bool>? accept = null)
    {
        var watch = Stopwatch.StartNew();
        var cpuBefore = cpuPerStep ? ProcessCpu.Seconds(pid) : null;
        try
        {
            var response = await send();
            if (cpuBefore is not null && ProcessCpu.Seconds(pid) is { } cpuAfter)
            {
                stepCpu.AddOrUpdate(step, cpuAfter - cpuBefore.Value, (_, t) => t + cpuAfter - cpuBefore.Value);
            }

            var ok = response.Status == expected && (accept is null || accept(response));
            if (!ok)
            {
                recorder.Error(step);
                return null;
            }

            recorder.Add(step, watch.Elapsed.TotalMilliseconds);
            return response;
        }
        catch (HttpRequestException)
        {
            recorder.Error(step);
            return null;
        }
    }
}

internal sealed record RunResult(
    string Flow, int Workers, double Seconds, int Users, int Logins, double LoginsPerSecond, double? PeakMb, IReadOnlyList<StepStats> Steps,
    double? ServerCpuMsPerLogin = null, double? DbCpuMsPerLogin = null, double? Rate = null, int Refused = 0, double? WindowPeakMb = null);
