using Microsoft.EntityFrameworkCore;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Audit;

/// <summary>
/// Commits audit entries with group commit: entries that arrive while a commit runs go into the next one together, so
/// eight parallel uploads cost one or two transactions instead of eight (an import audits every file). A caller's
/// <see cref="WriteAsync"/> still ends only when its own entries are committed, and fails when they could not be: a
/// batch that fails is written again caller by caller, so one caller's bad entry never costs the others theirs.
/// When nothing else is waiting, an entry is committed at once, as before (no timer, no extra latency).
/// </summary>
public sealed class AuditWriter(IDbContextFactory<PortalDbContext> dbFactory, ILogger<AuditWriter> logger)
{
    private sealed record Pending(IReadOnlyCollection<AuditEntry> Entries)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly Lock gate = new();
    private List<Pending> waiting = [];
    private bool committing;
    private long commits;

    /// <summary>Transactions so far (diagnostics and tests: fewer than the writes when writes came together).</summary>
    public long Commits => Interlocked.Read(ref commits);

    /// <summary>
    /// Commits the entries. Not cancellable: the action they record has happened, and a client that hangs up must not
    /// leave it unaudited.
    /// </summary>
    public Task WriteAsync(IReadOnlyCollection<AuditEntry> entries)
    {
        if (entries.Count == 0) return Task.CompletedTask;
        var pending = new Pending(entries);
        bool lead;
        lock (gate)
        {
            waiting.Add(pending);
            lead = !committing;
            committing = true;
        }
        // The first writer commits for everybody who arrives meanwhile, until nobody waits.
        if (lead) _ = CommitWaitingAsync();
        return pending.Done.Task;
    }

    private async Task CommitWaitingAsync()
    {
        for (var round = 0; ; round++)
        {
            // The first round runs on the leading writer's own call; later rounds (others' entries) on the pool, so
            // the leader's request is not held up committing for everybody else.
            if (round > 0) await Task.Yield();
            List<Pending> batch;
            lock (gate)
            {
                if (waiting.Count == 0)
                {
                    committing = false;
                    return;
                }
                batch = waiting;
                waiting = [];
            }
            try
            {
                await CommitAsync(batch.SelectMany(p => p.Entries));
                foreach (var p in batch) p.Done.TrySetResult();
            }
            catch (Exception ex) when (batch.Count > 1)
            {
                logger.LogWarning(ex, "An audit batch of {Count} writes failed; writing them one by one", batch.Count);
                foreach (var p in batch) await CommitAloneAsync(p);
            }
            catch (Exception ex)
            {
                batch[0].Done.TrySetException(ex);
            }
        }
    }

    private async Task CommitAloneAsync(Pending pending)
    {
        try
        {
            // The failed batch may have left its generated keys on the entries.
            foreach (var entry in pending.Entries) entry.Id = 0;
            await CommitAsync(pending.Entries);
            pending.Done.TrySetResult();
        }
        catch (Exception ex)
        {
            pending.Done.TrySetException(ex);
        }
    }

    private async Task CommitAsync(IEnumerable<AuditEntry> entries)
    {
        // Its own context, so an audit write never saves someone else's pending changes.
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        db.Set<AuditEntry>().AddRange(entries);
        await db.SaveChangesAsync(CancellationToken.None);
        Interlocked.Increment(ref commits);
    }
}
