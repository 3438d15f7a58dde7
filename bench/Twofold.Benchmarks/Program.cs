using BenchmarkDotNet.Running;

namespace Twofold.Benchmarks;

public static class Program
{
    // bench/run.sh runs everything with a short job; bench/run.sh --smoke runs a dry job for CI.
    public static int Main(string[] args)
    {
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args).ToList();

        // BenchmarkDotNet exits 0 even when a benchmark failed to build or threw; CI must see that.
        var cases = summaries.Sum(s => s.BenchmarksCases.Length);
        var failed = summaries.Sum(s => s.Reports.Count(r => !r.Success))
            + summaries.Count(s => s.HasCriticalValidationErrors);
        Console.WriteLine($"// Twofold.Benchmarks: {cases} cases, {failed} failed");
        return cases == 0 || failed > 0 ? 1 : 0;
    }
}
