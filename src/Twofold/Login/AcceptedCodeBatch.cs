using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Twofold.Data;

namespace Twofold.Login;

/// <summary>
/// Group commit for accepted codes (SQLite, one writer): the replay-guard UPDATEs, learned offsets and
/// audit rows of sign-ins that arrive while a commit is in progress are written together in the next
/// transaction, so many sign-ins share one fsync instead of queueing for the write lock one fsync each.
/// Nothing is weakened: every item is still its own conditional UPDATE (atomic across requests and
/// nodes), its rows are saved only when that UPDATE won, and no caller is answered before the commit.
/// </summary>
public sealed class AcceptedCodeBatch(IServiceScopeFactory scopes) : IDisposable
{
    private readonly ConcurrentQueue<Item> queue = new();
    private readonly SemaphoreSlim gate = new(1, 1);

    public sealed record Offset(Guid DeviceId, int Value);

    private sealed record Item(Guid UserId, long Step, Offset? Offset, IReadOnlyList<object> Rows)
    {
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Uses up <paramref name="step"/> for the user (as <see cref="TwoFactorVerifier.TryConsumeStepAsync"/>) and,
    /// only if that succeeds, stores the offset and adds <paramref name="rows"/>, all committed before it returns.
    /// False: the step (or a later one) was already used.
    /// </summary>
    public async Task<bool> ConsumeAsync(Guid userId, long step, Offset? offset, IReadOnlyList<object> rows, CancellationToken ct)
    {
        var item = new Item(userId, step, offset, rows);
        queue.Enqueue(item);

        // Whoever holds the gate commits everything queued so far; the rest wait for the next turn, by which
        // time their item has often been committed by the holder already.
        await gate.WaitAsync(CancellationToken.None);
        try
        {
            if (!item.Done.Task.IsCompleted)
            {
                await CommitQueuedAsync();
            }
        }
        finally
        {
            gate.Release();
        }

        return await item.Done.Task.WaitAsync(ct);
    }

    public void Dispose() => gate.Dispose();

    private async Task CommitQueuedAsync()
    {
        var batch = new List<Item>();
        while (queue.TryDequeue(out var queued))
        {
            batch.Add(queued);
        }

        var consumed = new bool[batch.Count];
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TwofoldDbContext>();
            // The whole batch commits or rolls back as one: a savepoint around SaveChanges would only cost statements.
            db.Database.AutoSavepointsEnabled = false;
            await using var tx = await db.Database.BeginTransactionAsync(CancellationToken.None);
            for (var i = 0; i < batch.Count; i++)
            {
                var (userId, step, offset, rows) = batch[i];
                consumed[i] = await db.Users
                    .Where(u => u.Id == userId && (u.LastAcceptedTotpStep == null || u.LastAcceptedTotpStep < step))
                    .ExecuteUpdateAsync(s => s.SetProperty(u => u.LastAcceptedTotpStep, step).SetProperty(u => u.CodeFailedCount, 0)) == 1;
                if (!consumed[i])
                {
                    continue;
                }

                if (offset is not null)
                {
                    await db.Authenticators.Where(a => a.Id == offset.DeviceId)
                        .ExecuteUpdateAsync(s => s.SetProperty(a => a.StepOffset, offset.Value));
                }

                foreach (var row in rows)
                {
                    db.Add(row);
                }
            }

            await db.SaveChangesAsync(CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            // Nothing of the batch was committed: every caller fails as its own write would have.
            foreach (var item in batch)
            {
                item.Done.TrySetException(e);
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Done.TrySetResult(consumed[i]);
        }
    }
}
