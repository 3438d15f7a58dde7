using System.Collections.Concurrent;
using System.Globalization;

namespace Twofold.Load;

/// <summary>Latencies and errors per named step; thread-safe.</summary>
internal sealed class Recorder
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> latencies = new();
    private readonly ConcurrentDictionary<string, int> errors = new();
    private readonly List<string> order = [];

    public void Add(string step, double milliseconds)
    {
        lock (order)
        {
            if (!order.Contains(step))
            {
                order.Add(step);
            }
        }

        latencies.GetOrAdd(step, _ => []).Add(milliseconds);
    }

    public void Error(string step)
    {
        lock (order)
        {
            if (!order.Contains(step))
            {
                order.Add(step);
            }
        }

        errors.AddOrUpdate(step, 1, (_, n) => n + 1);
    }

    public IReadOnlyList<StepStats> Summarize(double seconds)
    {
        lock (order)
        {
            return order.Select(step =>
            {
                var sorted = latencies.TryGetValue(step, out var bag) ? bag.Order().ToArray() : [];
                return new StepStats(step, sorted.Length, sorted.Length / seconds,
                    Percentile(sorted, 0.50), Percentile(sorted, 0.95), Percentile(sorted, 0.99), errors.GetValueOrDefault(step));
            }).ToList();
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    public static void Print(IEnumerable<StepStats> steps)
    {
        Console.WriteLine($"{"step",-22} {"count",8} {"req/s",8} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"errors",7}");
        foreach (var s in steps)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Step,-22} {s.Count,8} {s.PerSecond,8:F1} {s.P50,8:F1} {s.P95,8:F1} {s.P99,8:F1} {s.Errors,7}"));
        }
    }
}

internal sealed record StepStats(string Step, int Count, double PerSecond, double P50, double P95, double P99, int Errors);
