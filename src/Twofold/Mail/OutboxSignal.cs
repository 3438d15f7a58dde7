namespace Twofold.Mail;

/// <summary>
/// Wakes the <see cref="OutboxDispatcher"/> when new mail was committed, so a pairing link goes out
/// at once instead of at the next poll. Signals coalesce: many saves during one send cause one more look.
/// </summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim semaphore = new(0);

    public void Notify() => semaphore.Release();

    /// <summary>Waits for a notification or the timeout; returns true when notified.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var notified = await semaphore.WaitAsync(timeout, cancellationToken);

        // Coalesce: one look at the outbox covers every notification that arrived before it.
        while (semaphore.Wait(0, CancellationToken.None))
        {
        }

        return notified;
    }

    public void Dispose() => semaphore.Dispose();
}
