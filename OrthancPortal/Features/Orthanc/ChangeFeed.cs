using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Localization;

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
    /// <summary>While set and in the future, the subscriber waits (backoff) before its failing change is tried again.</summary>
    public DateTime? RetryAt { get; set; }

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
    /// <summary>
    /// A change a subscriber keeps failing on is moved to the held list after this many tries (an admin retries or
    /// discards it there), so it cannot block that subscriber forever. With the backoff below, 10 tries span about
    /// 17 minutes: an AIS share or a disc folder that is offline for a while loses nothing.
    /// </summary>
    public int MaxAttempts { get; set; } = 10;
    /// <summary>The wait after the first failure; it doubles with each further failure, up to <see cref="RetryMaxSeconds"/>.</summary>
    public double RetryBaseSeconds { get; set; } = 2;
    public double RetryMaxSeconds { get; set; } = 600;

    /// <summary>
    /// How long the reader's lease holds without renewal (its holder renews it every third of this). When
    /// its process dies, another portal on the same database reads the feed after at most this long.
    /// </summary>
    public double LeaseSeconds { get; set; } = 30;

    public TimeSpan Backoff(int failures)
        => TimeSpan.FromSeconds(Math.Min(RetryMaxSeconds, RetryBaseSeconds * Math.Pow(2, Math.Max(0, failures - 1))));
}

/// <summary>
/// A change a subscriber failed on <see cref="ChangeFeedOptions.MaxAttempts"/> times. It waits here, with the last
/// reason, until an admin retries it (delivered again to that subscriber) or discards it (both audited).
/// </summary>
public sealed class HeldChange
{
    public long Id { get; set; }
    public string Subscriber { get; set; } = "";
    public long Seq { get; set; }
    public string ChangeType { get; set; } = "";
    public string ResourceType { get; set; } = "";
    public string ResourceId { get; set; } = "";
    /// <summary>Orthanc's own time stamp of the change.</summary>
    public string ChangeDate { get; set; } = "";
    public int Attempts { get; set; }
    public string LastError { get; set; } = "";
    public DateTime HeldAt { get; set; }

    public OrthancChange ToChange() => new(ChangeType, ResourceId, $"/{ResourceType.ToLowerInvariant()}/{ResourceId}", ResourceType, Seq, ChangeDate);

    internal sealed class Configuration : IEntityTypeConfiguration<HeldChange>
    {
        public void Configure(EntityTypeBuilder<HeldChange> e)
        {
            e.ToTable("HeldChanges");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.Subscriber, x.Seq }).IsUnique();
            e.Property(x => x.Subscriber).HasMaxLength(100);
            e.Property(x => x.ChangeType).HasMaxLength(64);
            e.Property(x => x.ResourceType).HasMaxLength(32);
            e.Property(x => x.ResourceId).HasMaxLength(64);
            e.Property(x => x.ChangeDate).HasMaxLength(32);
            e.Property(x => x.LastError).HasMaxLength(2000);
        }
    }
}

/// <summary>Published when the held list changes, so the dashboard and the held page refresh.</summary>
public sealed record HeldChangesChanged(int Count);

/// <summary>
/// Reads Orthanc's /changes and hands each change to every subscriber that has not had it yet. Only the process holding
/// the <see cref="LeaseName"/> lease reads (several portals on one database would otherwise deliver each change once per
/// process); the others wait and take the lease over when its holder stops renewing it.
/// </summary>
public sealed class ChangeFeedReader(
    IServiceScopeFactory scopes,
    IDbContextFactory<PortalDbContext> dbFactory,
    Microsoft.Extensions.Options.IOptions<ChangeFeedOptions> options,
    OrthancPortal.Infrastructure.Live.LiveNotifier notifier,
    OrthancPortal.Infrastructure.Scheduling.LeaseStore leases,
    TimeProvider clock,
    ILogger<ChangeFeedReader> logger) : BackgroundService
{
    public const string LeaseName = "change-feed";

    private long completedPolls;
    private volatile bool holdsLease;

    /// <summary>How many polls have finished since the start (for diagnostics, and for tests that must know a poll came and went).</summary>
    public long CompletedPolls => Interlocked.Read(ref completedPolls);

    /// <summary>Whether this process is the one reading the feed.</summary>
    public bool HoldsLease => holdsLease;

    private DateTime renewDue = DateTime.MinValue;

    /// <summary>
    /// Takes or renews the lease; logs when this process starts or stops being the reader. The holder renews only every
    /// third of the lease (no one can take it before it expires), so an idle feed costs one write per ten seconds, not per poll.
    /// </summary>
    private async Task<bool> RenewLeaseAsync(CancellationToken ct)
    {
        var now = Now;
        if (holdsLease && now < renewDue) return true;
        var lease = TimeSpan.FromSeconds(options.Value.LeaseSeconds);
        var held = await leases.TryAcquireAsync(LeaseName, lease, ct);
        if (held) renewDue = now + lease / 3;
        if (held != holdsLease) logger.LogInformation(held ? "This process now reads the change feed" : "Another process reads the change feed now");
        holdsLease = held;
        return held;
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        // Polls more often than a third of the lease, so a slow poll interval never lets a live holder's lease expire.
        var interval = TimeSpan.FromSeconds(Math.Min(options.Value.PollSeconds, options.Value.LeaseSeconds / 3));
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (await RenewLeaseAsync(stopping))
                {
                    // Renewed between batches, so a long catch-up after downtime keeps the lease.
                    while (await PollOnceAsync(stopping) && await RenewLeaseAsync(stopping)) { }
                    Interlocked.Increment(ref completedPolls);
                }
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

    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        // A clean stop hands the feed over at once instead of after the lease's expiry.
        if (holdsLease)
        {
            try { await leases.ReleaseAsync(LeaseName, ct); }
            catch (Exception ex) { logger.LogDebug(ex, "Could not release the change-feed lease"); }
            holdsLease = false;
        }
    }

    // One poll at a time in this process: a direct call (tests, diagnostics) never races the background loop into
    // creating the same cursor or delivering the same change twice.
    private readonly SemaphoreSlim polling = new(1, 1);

    /// <summary>Processes one batch; true when Orthanc has more changes waiting.</summary>
    public async Task<bool> PollOnceAsync(CancellationToken ct)
    {
        await polling.WaitAsync(ct);
        try { return await PollBatchAsync(ct); }
        finally { polling.Release(); }
    }

    private async Task<bool> PollBatchAsync(CancellationToken ct)
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

        // A subscriber waiting out its backoff sits this poll out; the others go on (and read from their own cursors).
        var now = Now;
        var active = subscribers.Where(s => cursors[s.Name].RetryAt is not { } at || at <= now).ToList();
        if (active.Count == 0) return false;
        var since = active.Min(s => cursors[s.Name].LastSeq);
        var batch = await orthanc.GetChangesAsync(since, options.Value.BatchSize, ct);
        var blocked = new HashSet<string>();
        var held = 0;
        foreach (var change in batch.Changes)
        {
            var delivered = false;
            foreach (var subscriber in active)
            {
                var cursor = cursors[subscriber.Name];
                if (cursor.LastSeq >= change.Seq || blocked.Contains(subscriber.Name)) continue;
                var wanted = subscriber.Wants(change);
                if (wanted)
                {
                    var outcome = await DeliverAsync(subscriber, cursor, change, db, ct);
                    if (outcome == Delivery.Retry)
                    {
                        // In order per subscriber: nothing after the failing change goes to it before the change itself.
                        blocked.Add(subscriber.Name);
                        await db.SaveChangesAsync(ct);
                        continue;
                    }
                    if (outcome == Delivery.Held) held++;
                }
                cursor.LastSeq = change.Seq;
                cursor.UpdatedAt = Now;
                cursor.FailingSeq = null;
                cursor.FailCount = 0;
                cursor.RetryAt = null;
                delivered |= wanted;
            }
            // A handled (or held) change is recorded as soon as every subscriber had it, together with any held row:
            // one transaction per change, not one per subscriber (a burst of 1,000 stable studies and six subscribers
            // would otherwise be 6,000 commits). A crash before it repeats this one change, as the interface says.
            // Skipping unwanted ones is saved with the batch, since repeating that skip after a crash is harmless.
            if (delivered) await db.SaveChangesAsync(ct);
        }
        // Changes no subscriber wanted still move every cursor to the end of the batch, except those of subscribers
        // that failed or wait out a backoff (a cursor of a subscriber no longer registered moves along too).
        var waiting = subscribers.Except(active).Select(s => s.Name).ToHashSet();
        foreach (var cursor in cursors.Values.Where(c => !blocked.Contains(c.Subscriber) && !waiting.Contains(c.Subscriber) && c.LastSeq < batch.Last))
        {
            cursor.LastSeq = batch.Last;
            cursor.UpdatedAt = Now;
        }
        await db.SaveChangesAsync(ct);
        if (held > 0) notifier.Publish(new HeldChangesChanged(await db.Set<HeldChange>().CountAsync(ct)));
        return !batch.Done && blocked.Count < active.Count;
    }

    private enum Delivery { Done, Retry, Held }

    private async Task<Delivery> DeliverAsync(IChangeSubscriber subscriber, ChangeFeedCursor cursor, OrthancChange change, PortalDbContext db, CancellationToken ct)
    {
        try
        {
            // Automatic work: what a subscriber stores or throws (held changes) reads in the site's language.
            await PortalCultures.RunInAsync(PortalCultures.SiteDefault.Name, () => subscriber.HandleAsync(change, ct));
            return Delivery.Done;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var o = options.Value;
            cursor.FailCount = cursor.FailingSeq == change.Seq ? cursor.FailCount + 1 : 1;
            cursor.FailingSeq = change.Seq;
            cursor.LastError = Truncate(ex.Message);
            if (cursor.FailCount >= o.MaxAttempts)
            {
                logger.LogError(ex, "{Subscriber} failed {Count} times on change {Seq} ({Type} {Id}); it is held for an admin",
                    subscriber.Name, cursor.FailCount, change.Seq, change.ChangeType, change.ID);
                var existing = await db.Set<HeldChange>().FirstOrDefaultAsync(h => h.Subscriber == subscriber.Name && h.Seq == change.Seq, ct);
                if (existing is null) db.Add(existing = new HeldChange { Subscriber = subscriber.Name, Seq = change.Seq });
                existing.ChangeType = change.ChangeType;
                existing.ResourceType = change.ResourceType;
                existing.ResourceId = change.ID;
                existing.ChangeDate = change.Date;
                existing.Attempts = cursor.FailCount;
                existing.LastError = cursor.LastError;
                existing.HeldAt = Now;
                return Delivery.Held;
            }
            var wait = o.Backoff(cursor.FailCount);
            cursor.RetryAt = Now + wait;
            logger.LogWarning(ex, "{Subscriber} failed on change {Seq} (attempt {Count} of {Max}); retrying in {Wait}",
                subscriber.Name, change.Seq, cursor.FailCount, o.MaxAttempts, wait);
            return Delivery.Retry;
        }
    }

    internal static string Truncate(string message) => message.Length <= 2000 ? message : message[..2000];

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
