namespace Twofold.IntegrationTests.Infrastructure;

/// <summary>Waits for state that background work (the outbox dispatcher) changes a little later.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30); // an upper bound: CI machines are shared and loaded

    /// <summary>Evaluates <paramref name="probe"/> until <paramref name="condition"/> holds for its value; returns that value.</summary>
    public static async Task<T> MatchAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = await probe();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting for {what}. Last value: {value}");
            }

            await Task.Delay(25);
        }
    }
}
