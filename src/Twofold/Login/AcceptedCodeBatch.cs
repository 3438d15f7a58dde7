using System.Collections.Concurrent;
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
/// <para>
/// No commit waits in the thread pool's queue. When no commit is running, the request that queues an item commits
/// it at once on its own thread (with anything else queued) and goes on without a thread switch, as EF's SQLite
/// writes do (Microsoft.Data.Sqlite's asynchronous methods run synchronously). Items queued while a commit runs are
/// committed together by one dedicated thread; their requests resume through the pool once. Before this, every
/// accepted code was handed to the writer thread and resumed through the pool's queue afterwards, which under load
/// cost the code step several milliseconds at p99 (docs/performance.md, "Committing on the request's thread").
/// </para>
/// <para>
/// The writer thread is not on the pool: under load the pool's queue is full of request work, and a committer queued
/// behind it held every waiting sign-in back (the code step's p50 was twice the template's on SQLite).
/// </para>
/// </remarks>
public sealed class AcceptedCodeBatch : IDisposable
{
    private readonly ConcurrentQueue<Item> queue = new();
    // No spinning before blocking: a spinning wait between sign-ins cost the writer more CPU than its commits.
    private readonly ManualResetEventSlim queued = new(initialState: false, spinCount: 0);
    private readonly IServiceScopeFactory scopes;
    private readonly Thread writer;
    private readonly Lock stopLock = new();
    private volatile bool stopping;
    // 1 while a commit (the writer thread's or a request's) uses the writer's connection: one commit at a time.
    private int committing;
    private IServiceScope? writerScope;
    private TwofoldDbContext? writerContext;
    private AcceptedCodeStatements? writerStatements;

    public AcceptedCodeBatch(IServiceScopeFactory scopes)
    {
        this.scopes = scopes;
        writer = new Thread(WriteLoop) { IsBackground = true, Name = WriterThreadName };
        // Without the creating request's ExecutionContext: its AsyncLocals (the HttpContext) must not leak into the writer.
        writer.UnsafeStart();
    }

    /// <summary>The writer thread's name (visible in dumps and profiles).</summary>
    public const string WriterThreadName = "Twofold accepted-code writer";

    /// <summary>Whether a commit holds the writer's connection now (for tests).</summary>
    internal bool CommitRunning => Volatile.Read(ref committing) == 1;

    /// <summary>Whether <paramref name="db"/> is the context whose connection the commits use (for tracing in tests).</summary>
    internal bool IsWriterContext(DbContext? db) => db is not null && ReferenceEquals(db, writerContext);

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
    public Task<bool> ConsumeAsync(Guid userId, long step, Offset? offset, IReadOnlyList<object> rows, CancellationToken ct)
    {
        var item = new Item(userId, step, offset, rows);
        // Under the lock Dispose takes to stop: an item is either refused here or queued before the stop.
        lock (stopLock)
        {
            ObjectDisposedException.ThrowIf(stopping, this);
            queue.Enqueue(item);
            if (!TryStartCommit())
            {
                // A commit is running: the writer thread takes this item with whatever else queues meanwhile.
                queued.Set();
                return item.Done.Task.WaitAsync(ct);
            }
        }

        // No commit was running: commit here, on the request's thread. Cancellation is not observed during a commit (as
        // on the writer thread): the item is committed or failed either way, and the caller is answered right after.
        CommitQueued();
        EndCommit();
        return item.Done.Task.WaitAsync(ct);
    }

    /// <summary>Takes the writer's connection; false while another commit has it.</summary>
    private bool TryStartCommit() => Interlocked.CompareExchange(ref committing, 1, 0) == 0;

    /// <summary>
    /// Releases the writer's connection, then hands anything queued during the commit to the writer thread. Items are
    /// queued before their requests try to start a commit, and the release is a full fence: an item is either seen
    /// here or its request saw no commit running (and commits it itself).
    /// </summary>
    private void EndCommit()
    {
        Interlocked.Exchange(ref committing, 0);
        if (!queue.IsEmpty)
        {
            // Once stopping, the writer drains the queue itself (and the event may be gone).
            lock (stopLock)
            {
                if (!stopping)
                {
                    queued.Set();
                }
            }
        }
    }

    private void CommitQueued()
    {
        var batch = new List<Item>();
        while (queue.TryDequeue(out var item))
        {
            batch.Add(item);
        }

        if (batch.Count > 0)
        {
            Commit(batch);
        }
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

            if (!TryStartCommit())
            {
                if (!stop)
                {
                    // A request is committing; it sets the event again when it leaves items behind.
                    continue;
                }

                // Stopping: no request starts a commit any more; wait for the one running.
                var spin = new SpinWait();
                while (!TryStartCommit())
                {
                    spin.SpinOnce();
                }
            }

            if (stop)
            {
                CommitQueued();
                ResetWriter();
                // The connection stays taken: nothing may commit after the stop.
                return;
            }

            // Everything queued while the previous commit ran goes into this one transaction.
            CommitQueued();
            EndCommit();
        }
    }

    /// <summary>The writer's context and statements, kept between batches (used by one commit at a time); new ones after a failure.</summary>
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
            ResetWriter();
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
