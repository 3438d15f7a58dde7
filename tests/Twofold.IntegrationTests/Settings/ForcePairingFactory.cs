using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Twofold.IntegrationTests.Infrastructure;
using Twofold.Settings;

namespace Twofold.IntegrationTests.Settings;

/// <summary>Small force batches, fast polls, and a switch that makes one batch's commit fail (a crash mid-job).</summary>
public sealed class ForcePairingFactory : TwofoldFactory
{
    public const int BatchSize = 40;

    public CrashingBatchInterceptor Crash { get; } = new();

    protected override void AddSettings(IDictionary<string, string?> settings)
    {
        base.AddSettings(settings);
        settings["ForcePairing:BatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["ForcePairing:PollSeconds"] = "0.1";
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(Crash));
    }
}

/// <summary>When armed, fails the N-th following save of a force job's progress, before anything is written.</summary>
public sealed class CrashingBatchInterceptor : SaveChangesInterceptor
{
    private int countdown = -1;
    private int failures;

    public int Failures => Volatile.Read(ref failures);

    public void FailBatch(int n) => Volatile.Write(ref countdown, n);

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        var isBatch = eventData.Context!.ChangeTracker.Entries<ForcePairingJob>()
            .Any(e => e.State == EntityState.Modified && e.Entity.State != ForcePairingJobState.Cancelled);
        if (isBatch && Interlocked.Decrement(ref countdown) == 0)
        {
            Interlocked.Increment(ref failures);
            throw new InvalidOperationException("Simulated crash before the batch committed.");
        }

        return ValueTask.FromResult(result);
    }
}
