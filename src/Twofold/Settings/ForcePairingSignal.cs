namespace Twofold.Settings;

/// <summary>Wakes <see cref="ForcePairingWorker"/> when this node has just started a job.</summary>
public sealed class ForcePairingSignal : IDisposable
{
    private readonly SemaphoreSlim semaphore = new(0);

    public void Notify() => semaphore.Release();

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await semaphore.WaitAsync(timeout, cancellationToken);
        while (semaphore.Wait(0, CancellationToken.None))
        {
            // Coalesce: one look covers every notification so far.
        }
    }

    public void Dispose() => semaphore.Dispose();
}
