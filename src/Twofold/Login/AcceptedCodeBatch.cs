using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Twofold.Audit;
using Twofold.Data;

namespace Twofold.Login;

/// <summary>
/// Group commit for accepted codes (SQLite, one writer): the replay-guard UPDATEs, learned offsets and
/// audit rows of sign-ins that arrive while a commit is in progress are written together in the next
/// transaction, so many sign-ins share one commit instead of queueing for the write lock one commit each.
/// Nothing is weakened: every item is still its own conditional UPDATE (atomic across requests and
/// nodes), its rows are saved only when that UPDATE won, and no caller is answered before the commit.
/// </summary>
/// <remarks>
/// The commits run on one dedicated thread, not on the thread pool: under load the pool's queue is full of
/// request work, and a committer queued behind it held every waiting sign-in back (the code step's p50 was
/// twice the template's on SQLite while its CPU cost was nearly the same). The thread uses EF's synchronous
/// API because Microsoft.Data.Sqlite's asynchronous methods run synchronously anyway.
/// </remarks>
public sealed class AcceptedCodeBatch : IDisposable
{
    private readonly ConcurrentQueue<Item> queue = new();
    // No spinning before blocking: a spinning wait between sign-ins cost the writer more CPU than its commits.
    private readonly ManualResetEventSlim queued = new(initialState: false, spinCount: 0);
    private readonly IServiceScopeFactory scopes;
    private readonly AcceptedCodeMetrics? metrics;
    private readonly Thread writer;
    private readonly Lock stopLock = new();
    private volatile bool stopping;
    private IServiceScope? writerScope;
    private TwofoldDbContext? writerContext;
    private AcceptedCodeStatements? writerStatements;

    public AcceptedCodeBatch(IServiceScopeFactory scopes, AcceptedCodeMetrics? metrics = null)
    {
        this.scopes = scopes;
        this.metrics = metrics;
        writer = new Thread(WriteLoop) { IsBackground = true, Name = WriterThreadName };
        // Without the creating request's ExecutionContext: its AsyncLocals (the HttpContext) must not leak into the writer.
        writer.UnsafeStart();
    }

    /// <summary>The writer thread's name (visible in dumps and profiles).</summary>
    public const string WriterThreadName = "Twofold accepted-code writer";

    public sealed record Offset(Guid DeviceId, int Value);

    private sealed record Item(Guid UserId, long Step, Offset? Offset, IReadOnlyList<object> Rows)
    {
        /// <summary>When it was queued (<see cref="Stopwatch"/> timestamp), for <see cref="AcceptedCodeMetrics"/>.</summary>
        public long Queued { get; } = Stopwatch.GetTimestamp();

        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Uses up <paramref name="step"/> for the user (as <see cref="TwoFactorVerifier.TryConsumeStepAsync"/>) and,
    /// only if that succeeds, stores the offset and adds <paramref name="rows"/>, all committed before it returns.
    /// False: the step (or a later one) was already used.
    /// </summary>
    public Task<bool> ConsumeAsync(Guid userId, long step, Offset? offset, IReadOnlyList<object> rows, CancellationToken ct)
    {
        var item = new Item(userId, step, offset, rows);
        // Under the lock Dispose takes to stop: an item is either refused here or queued before the stop.
        lock (stopLock)
        {
            ObjectDisposedException.ThrowIf(stopping, this);
            queue.Enqueue(item);
            queued.Set();
        }

        return item.Done.Task.WaitAsync(ct);
    }

    /// <summary>Commits what is queued, then stops the writer.</summary>
    public void Dispose()
    {
        lock (stopLock)
        {
            stopping = true;
        }

        queued.Set();
        writer.Join();
        // Nothing can be left (see WriteLoop); should anything be, it is refused, never silently dropped.
        while (queue.TryDequeue(out var late))
        {
            late.Done.TrySetException(new ObjectDisposedException(nameof(AcceptedCodeBatch)));
        }

        queued.Dispose();
    }

    private void WriteLoop()
    {
        var batch = new List<Item>();
        while (true)
        {
            // Read before draining: whatever was queued before the stop is drained below.
            var stop = stopping;
            if (!stop)
            {
                queued.Wait();
                // Reset before draining: an item queued after the drain sets the event again.
                queued.Reset();
            }

            while (queue.TryDequeue(out var item))
            {
                batch.Add(item);
            }

            if (batch.Count > 0)
            {
                // Everything queued while the previous commit ran goes into this one transaction.
                Commit(batch);
                batch.Clear();
            }
            else if (stop)
            {
                ResetWriter();
                return;
            }
        }
    }

    /// <summary>The writer's context and statements, kept between batches (only the writer thread uses them); new ones after a failure.</summary>
    private (TwofoldDbContext Db, AcceptedCodeStatements Statements) Writer()
    {
        if (writerContext is null || writerStatements is null)
        {
            writerScope = scopes.CreateScope();
            writerContext = writerScope.ServiceProvider.GetRequiredService<TwofoldDbContext>();
            // The whole batch commits or rolls back as one: a savepoint around SaveChanges would only cost statements.
            writerContext.Database.AutoSavepointsEnabled = false;
            writerStatements = new AcceptedCodeStatements(writerContext);
        }

        return (writerContext, writerStatements);
    }

    private void ResetWriter()
    {
        writerStatements?.Dispose();
        writerScope?.Dispose();
        (writerScope, writerContext, writerStatements) = (null, null, null);
    }

    private void Commit(List<Item> batch)
    {
        var started = Stopwatch.GetTimestamp();
        var consumed = new bool[batch.Count];
        try
        {
            var (db, statements) = Writer();
            using var tx = statements.Begin();
            var viaEf = false;
            for (var i = 0; i < batch.Count; i++)
            {
                var (userId, step, offset, rows) = batch[i];
                consumed[i] = statements.TryConsume(tx, userId, step);
                if (!consumed[i])
                {
                    continue;
                }

                if (offset is not null)
                {
                    statements.SetOffset(tx, offset.DeviceId, offset.Value);
                }

                foreach (var row in rows)
                {
                    if (row is AuditEvent audit)
                    {
                        statements.Insert(tx, audit);
                    }
                    else
                    {
                        // Any other row a caller adds is saved by EF, in the same transaction.
                        db.Add(row);
                        viaEf = true;
                    }
                }
            }

            if (viaEf)
            {
                db.Database.UseTransaction(tx);
                db.SaveChanges();
                db.Database.UseTransaction(null);
                db.ChangeTracker.Clear();
            }

            tx.Commit();
        }
        catch (Exception e)
        {
            metrics?.RecordCommit(batch.Select(i => i.Queued), started, Stopwatch.GetTimestamp(), e);
            ResetWriter();
            // Nothing of the batch was committed: every caller fails as its own write would have.
            foreach (var item in batch)
            {
                item.Done.TrySetException(e);
            }

            return;
        }

        metrics?.RecordCommit(batch.Select(i => i.Queued), started, Stopwatch.GetTimestamp(), error: null);
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Done.TrySetResult(consumed[i]);
        }
    }
}
