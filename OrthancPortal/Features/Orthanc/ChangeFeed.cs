using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Orthanc;

/// <summary>
/// Something that acts on Orthanc's changes (GDT, burner, automation, worklist cleanup). Each subscriber has
/// its own cursor, stored in the database and moved only after it handled a change, so a change is delivered
/// once per subscriber, also for changes that happened while the portal was stopped. A subscriber should still
/// record what it did, because a crash between its work and the cursor update repeats that one change.
/// </summary>
public interface IChangeSubscriber
{
    /// <summary>A stable name: it keys the subscriber's cursor.</summary>
    string Name { get; }

    /// <summary>A cheap filter; changes it does not want only move the cursor.</summary>
    bool Wants(OrthancChange change);

    Task HandleAsync(OrthancChange change, CancellationToken ct);
}

public static class ChangeTypes
{
    public const string NewInstance = nameof(NewInstance);
    public const string NewSeries = nameof(NewSeries);
    public const string NewStudy = nameof(NewStudy);
    public const string NewPatient = nameof(NewPatient);
    public const string StableSeries = nameof(StableSeries);
    public const string StableStudy = nameof(StableStudy);
    public const string StablePatient = nameof(StablePatient);
    public const string Deleted = nameof(Deleted);
}

public sealed class ChangeFeedCursor
{
    public string Subscriber { get; set; } = "";
    public long LastSeq { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long? FailingSeq { get; set; }
    public int FailCount { get; set; }
    public string? LastError { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ChangeFeedCursor>
    {
        public void Configure(EntityTypeBuilder<ChangeFeedCursor> e)
        {
            e.ToTable("ChangeFeedCursors");
            e.HasKey(x => x.Subscriber);
        }
    }
}

public sealed class ChangeFeedOptions
{
    public const string Section = "ChangeFeed";
    public double PollSeconds { get; set; } = 2;
    public int BatchSize { get; set; } = 200;
    /// <summary>A change a subscriber keeps failing on is skipped (and logged) after this many tries, so it cannot block the feed forever.</summary>
    public int MaxAttempts { get; set; } = 5;
}

/// <summary>Reads Orthanc's /changes and hands each change to every subscriber that has not had it yet.</summary>
public sealed class ChangeFeedReader(
    IServiceScopeFactory scopes,
    IDbContextFactory<PortalDbContext> dbFactory,
    Microsoft.Extensions.Options.IOptions<ChangeFeedOptions> options,
    TimeProvider clock,
    ILogger<ChangeFeedReader> logger) : BackgroundService
{
    private long completedPolls;

    /// <summary>How many polls have finished since the start (for diagnostics, and for tests that must know a poll came and went).</summary>
    public long CompletedPolls => Interlocked.Read(ref completedPolls);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var interval = TimeSpan.FromSeconds(options.Value.PollSeconds);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                while (await PollOnceAsync(stopping)) { }
                Interlocked.Increment(ref completedPolls);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { break; }
            catch (OrthancException ex)
            {
                logger.LogDebug("Change feed waits for Orthanc: {Reason}", ex.Message);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Change feed poll failed");
            }
            try { await Task.Delay(interval, stopping); } catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>Processes one batch; true when Orthanc has more changes waiting.</summary>
    public async Task<bool> PollOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var subscribers = scope.ServiceProvider.GetServices<IChangeSubscriber>().ToList();
        if (subscribers.Count == 0) return false;
        var orthanc = scope.ServiceProvider.GetRequiredService<OrthancClient>();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var cursors = await db.Set<ChangeFeedCursor>().ToDictionaryAsync(c => c.Subscriber, ct);
        foreach (var s in subscribers.Where(s => !cursors.ContainsKey(s.Name)))
        {
            // A new subscriber starts from now: it must not act on years of history (burn every old study, say).
            var cursor = new ChangeFeedCursor { Subscriber = s.Name, LastSeq = await orthanc.GetLastChangeSeqAsync(ct), UpdatedAt = Now };
            db.Add(cursor);
            cursors[s.Name] = cursor;
            logger.LogInformation("Change feed subscriber {Subscriber} starts at change {Seq}", s.Name, cursor.LastSeq);
        }
        await db.SaveChangesAsync(ct);

        var since = subscribers.Min(s => cursors[s.Name].LastSeq);
        var batch = await orthanc.GetChangesAsync(since, options.Value.BatchSize, ct);
        var blocked = new HashSet<string>();
        foreach (var change in batch.Changes)
        {
            foreach (var subscriber in subscribers)
            {
                var cursor = cursors[subscriber.Name];
                if (cursor.LastSeq >= change.Seq || blocked.Contains(subscriber.Name)) continue;
                var wanted = subscriber.Wants(change);
                if (wanted && !await DeliverAsync(subscriber, cursor, change, ct))
                {
                    blocked.Add(subscriber.Name);
                    await db.SaveChangesAsync(ct);
                    continue;
                }
                cursor.LastSeq = change.Seq;
                cursor.UpdatedAt = Now;
                cursor.FailingSeq = null;
                cursor.FailCount = 0;
                // A handled change is recorded at once (delivered once); skipping unwanted ones is saved with the batch,
                // since repeating that skip after a crash is harmless.
                if (wanted) await db.SaveChangesAsync(ct);
            }
        }
        // Changes no subscriber wanted still move every cursor to the end of the batch.
        foreach (var cursor in cursors.Values.Where(c => !blocked.Contains(c.Subscriber) && c.LastSeq < batch.Last))
        {
            cursor.LastSeq = batch.Last;
            cursor.UpdatedAt = Now;
        }
        await db.SaveChangesAsync(ct);
        return !batch.Done && blocked.Count < subscribers.Count;
    }

    private async Task<bool> DeliverAsync(IChangeSubscriber subscriber, ChangeFeedCursor cursor, OrthancChange change, CancellationToken ct)
    {
        try
        {
            await subscriber.HandleAsync(change, ct);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            cursor.FailCount = cursor.FailingSeq == change.Seq ? cursor.FailCount + 1 : 1;
            cursor.FailingSeq = change.Seq;
            cursor.LastError = ex.Message;
            if (cursor.FailCount >= options.Value.MaxAttempts)
            {
                logger.LogError(ex, "{Subscriber} failed {Count} times on change {Seq} ({Type} {Id}); skipping it",
                    subscriber.Name, cursor.FailCount, change.Seq, change.ChangeType, change.ID);
                return true;
            }
            logger.LogWarning(ex, "{Subscriber} failed on change {Seq}; will retry", subscriber.Name, change.Seq);
            return false;
        }
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
