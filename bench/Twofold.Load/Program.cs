using System.Globalization;
using System.Text.Json;
using Twofold.Load;

// Load tool for docs/performance.md; bench/load.sh drives it. Modes:
//   seed       --db CONN [--provider Sqlite|Postgres] [--app twofold|template] --users N [--iterations 1000] [--operator CODE] [--unpaired]
//   run        --url URL --flow twofold|template --users N [--workers 16] [--duration 60] [--warmup 5] [--server-pid PID] [--db-pid POSTMASTER_PID] [--json FILE]
//              [--rate R]  open loop: R sign-ins started per second, --workers = most in flight (closed loop without it)
//   smtp-sink  --port P [--duration S]
//   force      --url URL --smtp-port P --users N [--operator CODE] [--server-pid PID] [--timeout 600]
//   users-list --url URL --users N [--operator CODE] [--workers 4] [--duration 20]
//   compliance-list --url URL --users N [--operator CODE] [--workers 4] [--duration 20]   (operator forcing with a grace period)
//   compare    --ours FILE --template FILE
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: twofold-load seed|run|smtp-sink|force|users-list|compliance-list|compare [--options]");
    return 2;
}

var options = new Options(args.Skip(1));
return args[0] switch
{
    "seed" => await Seeder.RunAsync(options),
    "run" => await new LoginDriver(options).RunAsync(),
    "smtp-sink" => await SmtpCounter.RunAsync(options),
    "force" => await AdminDriver.ForceAsync(options),
    "users-list" => await AdminDriver.UsersListAsync(options),
    "compliance-list" => await AdminDriver.ComplianceListAsync(options),
    "compare" => Compare(options),
    _ => Usage(args[0]),
};

static int Usage(string mode)
{
    Console.Error.WriteLine($"unknown mode '{mode}'");
    return 2;
}

// Ratios of two `run --json` results, as the goals in docs/performance.md state them.
static int Compare(Options o)
{
    var ours = JsonSerializer.Deserialize<RunResult>(File.ReadAllText(o.Required("ours")))!;
    var template = JsonSerializer.Deserialize<RunResult>(File.ReadAllText(o.Required("template")))!;
    static double P99(RunResult r, string step) => r.Steps.FirstOrDefault(s => s.Step == step)?.P99 ?? double.NaN;
    var mode = ours.Rate is { } rate
        ? string.Create(CultureInfo.InvariantCulture, $"open loop at {rate:F0}/s (starts refused {ours.Refused} vs {template.Refused}); ")
        : "";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{mode}logins/s {ours.LoginsPerSecond:F1} vs {template.LoginsPerSecond:F1} = {ours.LoginsPerSecond / template.LoginsPerSecond:F2}x; " +
        $"full-login p99 {P99(ours, "full login"):F0} vs {P99(template, "full login"):F0} ms; " +
        $"code-step p99 {P99(ours, "POST code"):F1} vs {P99(template, "POST code"):F1} ms; " +
        $"peak memory {ours.PeakMb:F0} vs {template.PeakMb:F0} MB = {ours.PeakMb / template.PeakMb:F2}x " +
        $"(measured window {ours.WindowPeakMb:F0} vs {template.WindowPeakMb:F0} MB = {ours.WindowPeakMb / template.WindowPeakMb:F2}x); " +
        $"errors {ours.Steps.Sum(s => s.Errors)} vs {template.Steps.Sum(s => s.Errors)}; " +
        $"CPU ms per login: server {ours.ServerCpuMsPerLogin:F2} vs {template.ServerCpuMsPerLogin:F2}, " +
        $"database server {ours.DbCpuMsPerLogin:F2} vs {template.DbCpuMsPerLogin:F2}"));
    return 0;
}
