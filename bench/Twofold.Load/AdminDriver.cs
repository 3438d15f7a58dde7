using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Twofold.Load;

/// <summary>
/// `force`: times Settings &gt; General Save with "Force two factor" ticked, then watches the fan-out
/// (progress text), the delivery to an in-process SMTP sink and the server's memory.
/// `users-list`: /users latency for a large operator (pages and prefix searches).
/// Both sign in as the seeded administrator (password only).
/// </summary>
internal static partial class AdminDriver
{
    public static async Task<int> ForceAsync(Options o)
    {
        var expected = o.Int("users", 100_000);
        var pid = Pid(o);
        var timeout = TimeSpan.FromSeconds(o.Number("timeout", 600));
        await using var sink = new SmtpCounter();
        await sink.StartAsync(o.Int("smtp-port", 2525));
        using var http = WebSession.NewClient(o.Required("url"), 2);
        var web = await SignInAdminAsync(http, o);

        var page = await web.GetAsync("/settings/general", CancellationToken.None);
        var rssBefore = ServerMemory.CurrentMb(pid);
        var save = Stopwatch.StartNew();
        var saved = await web.PostAsync("/settings/general",
            [new("ForceTwoFactor", "true"), new("Confirmed", "true"), new("__RequestVerificationToken", WebSession.Token(page.Body))], CancellationToken.None);
        var saveMs = save.Elapsed.TotalMilliseconds;
        if (saved.Status != HttpStatusCode.OK || !saved.Body.Contains("Saved.", StringComparison.Ordinal))
        {
            Console.WriteLine($"Save failed: HTTP {(int)saved.Status}");
            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"force Save answered in {saveMs:F0} ms (HTTP {(int)saved.Status}); server RSS before {rssBefore:F0} MB"));
        var watch = Stopwatch.StartNew();
        double? fanOutSeconds = null;
        var rss = new List<double>();
        while (watch.Elapsed < timeout && sink.Messages < expected)
        {
            await Task.Delay(2000);
            if (ServerMemory.CurrentMb(pid) is { } mb)
            {
                rss.Add(mb);
            }

            if (fanOutSeconds is null)
            {
                var settings = await web.GetAsync("/settings/general", CancellationToken.None);
                var progress = ProgressPattern().Match(settings.Body);
                if (progress.Success && progress.Value.Contains("queued for every user", StringComparison.Ordinal))
                {
                    fanOutSeconds = watch.Elapsed.TotalSeconds;
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"t={watch.Elapsed.TotalSeconds:F0}s delivered={sink.Messages} rss={rss.LastOrDefault():F0} MB | {WebUtility.HtmlDecode(progress.Groups[1].Value)}"));
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"t={watch.Elapsed.TotalSeconds:F0}s delivered={sink.Messages} rss={rss.LastOrDefault():F0} MB"));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT force: save {saveMs:F0} ms; fan-out {(fanOutSeconds is null ? "not finished" : $"{fanOutSeconds:F0} s")}; delivered {sink.Messages:N0}/{expected:N0} " +
            $"in {sink.ActiveSeconds:F0} s = {sink.Messages / Math.Max(0.001, sink.ActiveSeconds):F0} msgs/s over {sink.Sessions} SMTP connection(s); " +
            $"server RSS min/max during run {(rss.Count == 0 ? "n/a" : $"{rss.Min():F0}/{rss.Max():F0} MB")}; peak {ServerMemory.PeakMb(pid):F0} MB"));
        return sink.Messages >= expected ? 0 : 1;
    }

    public static async Task<int> UsersListAsync(Options o)
    {
        var workers = o.Int("workers", 4);
        var users = o.Int("users", 100_000);
        var duration = TimeSpan.FromSeconds(Math.Min(60, o.Number("duration", 20)));
        using var http = WebSession.NewClient(o.Required("url"), workers);
        var web = await SignInAdminAsync(http, o);
        var pages = Math.Max(1, users / 50);
        var recorder = new Recorder();
        using var stop = new CancellationTokenSource(duration);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
        {
            var random = new Random(w);
            while (!stop.IsCancellationRequested)
            {
                var search = random.Next(2) == 0;
                var path = search
                    ? $"/users?q=u{random.Next(users) / 100:D4}"
                    : $"/users?p={random.Next(1, pages + 1)}";
                var step = search ? "GET /users?q=prefix" : "GET /users?p=N";
                var t = Stopwatch.StartNew();
                try
                {
                    var response = await web.GetAsync(path, CancellationToken.None);
                    if (response.Status == HttpStatusCode.OK && response.Body.Contains("<table", StringComparison.Ordinal))
                    {
                        recorder.Add(step, t.Elapsed.TotalMilliseconds);
                        recorder.Add("all /users", t.Elapsed.TotalMilliseconds);
                    }
                    else
                    {
                        recorder.Error(step);
                    }
                }
                catch (HttpRequestException)
                {
                    recorder.Error(step);
                }
            }
        }));
        Console.WriteLine($"users-list: {workers} workers, {watch.Elapsed.TotalSeconds:F1} s, {users:N0} users ({pages:N0} pages of 50)");
        Recorder.Print(recorder.Summarize(watch.Elapsed.TotalSeconds));
        return recorder.Summarize(1).Sum(s => s.Errors) == 0 ? 0 : 1;
    }

    /// <summary>
    /// `compliance-list`: Settings &gt; General Settings of a forcing operator whose users have not paired:
    /// the first page or a random page of the compliance list (keyset cursor "after" a random login).
    /// Needs a session for the unpaired administrator, i.e. a grace period (set it in the database).
    /// </summary>
    public static async Task<int> ComplianceListAsync(Options o)
    {
        var workers = o.Int("workers", 4);
        var users = o.Int("users", 100_000);
        var duration = TimeSpan.FromSeconds(Math.Min(60, o.Number("duration", 20)));
        using var http = WebSession.NewClient(o.Required("url"), workers);
        var web = await SignInAdminAsync(http, o);
        var recorder = new Recorder();
        using var stop = new CancellationTokenSource(duration);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
        {
            var random = new Random(w);
            while (!stop.IsCancellationRequested)
            {
                var first = random.Next(4) == 0;
                var path = first ? "/settings/general" : $"/settings/general?after={LoadUsers.Login(random.Next(users)).ToUpperInvariant()}";
                var step = first ? "GET general (page 1)" : "GET general?after=cursor";
                var t = Stopwatch.StartNew();
                try
                {
                    var response = await web.GetAsync(path, CancellationToken.None);
                    if (response.Status == HttpStatusCode.OK && response.Body.Contains("compliance-count", StringComparison.Ordinal))
                    {
                        recorder.Add(step, t.Elapsed.TotalMilliseconds);
                        recorder.Add("all compliance", t.Elapsed.TotalMilliseconds);
                    }
                    else
                    {
                        recorder.Error(step);
                    }
                }
                catch (HttpRequestException)
                {
                    recorder.Error(step);
                }
            }
        }));
        Console.WriteLine($"compliance-list: {workers} workers, {watch.Elapsed.TotalSeconds:F1} s, {users:N0} users");
        Recorder.Print(recorder.Summarize(watch.Elapsed.TotalSeconds));
        return recorder.Summarize(1).Sum(s => s.Errors) == 0 ? 0 : 1;
    }

    private static async Task<WebSession> SignInAdminAsync(HttpClient http, Options o)
    {
        var web = new WebSession(http);
        var login = await web.GetAsync("/login", CancellationToken.None);
        var result = await web.PostAsync("/login",
        [
            new("Input.OperatorCode", o.Text("operator", LoadUsers.OperatorCode)), new("Input.Login", "admin"),
            new("Input.Password", LoadUsers.Password), new("ReturnUrl", ""), new("__RequestVerificationToken", WebSession.Token(login.Body)),
        ], CancellationToken.None);
        if (result.Status != HttpStatusCode.Redirect || result.Location?.Contains("login", StringComparison.OrdinalIgnoreCase) == true)
        {
            throw new InvalidOperationException($"Administrator sign-in failed: HTTP {(int)result.Status} to {result.Location}");
        }

        return web;
    }

    private static int? Pid(Options o) => o.Text("server-pid", "") is { Length: > 0 } p ? int.Parse(p, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex("id=\"force-progress\">([^<]*)<")]
    private static partial Regex ProgressPattern();
}
