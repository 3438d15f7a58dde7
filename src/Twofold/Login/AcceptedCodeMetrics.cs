using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Twofold.Login;

/// <summary>
/// Instruments of the SQLite group commit (<see cref="AcceptedCodeBatch"/>), meter <see cref="MeterName"/>. Every
/// accepted code waits for its commit before the browser is answered, so these three show first where a slow
/// code step spends its time: waiting for the writer, or in the commit itself (`dotnet-counters monitor -p &lt;pid&gt;
/// --counters Twofold`, or any OpenTelemetry exporter).
/// </summary>
public sealed class AcceptedCodeMetrics
{
    public const string MeterName = "Twofold";

    // Sub-millisecond resolution: an idle commit takes a few hundred microseconds.
    private static readonly InstrumentAdvice<double> SecondsAdvice = new()
    {
        HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    };

    private readonly Histogram<double> wait;
    private readonly Histogram<double> duration;
    private readonly Histogram<int> size;

    public AcceptedCodeMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        wait = meter.CreateHistogram(
            "twofold.code_commit.wait", "s", "Time from an accepted code being queued to the start of the commit that stores it.", advice: SecondsAdvice);
        duration = meter.CreateHistogram(
            "twofold.code_commit.duration", "s", "Time one group commit of accepted codes takes (statements, COMMIT, fsync).", advice: SecondsAdvice);
        size = meter.CreateHistogram<int>("twofold.code_commit.size", "{code}", "Accepted codes stored by one group commit.");
    }

    /// <summary>One commit of codes queued at <paramref name="queued"/> (<see cref="Stopwatch"/> timestamps); <paramref name="error"/> if it failed.</summary>
    internal void RecordCommit(IEnumerable<long> queued, long started, long ended, Exception? error)
    {
        var count = 0;
        foreach (var timestamp in queued)
        {
            wait.Record(Stopwatch.GetElapsedTime(timestamp, started).TotalSeconds);
            count++;
        }

        var elapsed = Stopwatch.GetElapsedTime(started, ended).TotalSeconds;
        if (error is null)
        {
            duration.Record(elapsed);
        }
        else
        {
            // OpenTelemetry's convention for a failed operation.
            duration.Record(elapsed, new KeyValuePair<string, object?>("error.type", error.GetType().FullName));
        }

        size.Record(count);
    }
}
