using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Infrastructure.Security;

/// <summary>
/// Limits on failed attempts, bound from the "RateLimits" section. A key over its limit is refused (429) until its
/// window ends. Keep <see cref="SignInFailuresPerUserName"/> above <see cref="SignInFailuresPerAddress"/>: then one
/// address runs into its own limit first and cannot block a user name for everybody else.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Length of a fixed window, counted from the first failure of the key.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);
    public int SignInFailuresPerAddress { get; set; } = 10;
    public int SignInFailuresPerUserName { get; set; } = 20;
    public int WorklistKeyFailuresPerAddress { get; set; } = 10;
}

/// <summary>
/// One key's current window: failures counted (including the attempts still running, which are also in
/// <see cref="Pending"/>) and attempts refused.
/// </summary>
public sealed class RateLimitWindow
{
    public string Key { get; set; } = "";
    public DateTime WindowStart { get; set; }
    public int Count { get; set; }
    /// <summary>Attempts that hold a reservation and have not yet said whether they failed.</summary>
    public int Pending { get; set; }
    public int Refused { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<RateLimitWindow>
    {
        public void Configure(EntityTypeBuilder<RateLimitWindow> e)
        {
            e.ToTable("RateLimitWindows");
            e.HasKey(x => x.Key);
            e.Property(x => x.Key).HasMaxLength(400);
            e.HasIndex(x => x.WindowStart);
        }
    }
}

public sealed record RateLimitKey(string Kind, string Partition, int Limit)
{
    public string Id => $"{Kind}:{Partition}";
}

/// <summary>
/// The outcome of <see cref="FailureRateLimiter.AcquireAsync"/>. Granted: one failure is reserved on every key; call
/// <see cref="SucceededAsync"/> when the attempt succeeds to give it back, or <see cref="FailedAsync"/> to confirm it
/// (an attempt that says neither, e.g. a crash, stays counted as a failure). Refused: the key that is full, and whether
/// this is the first refusal of its window (the one to audit and log).
/// </summary>
public sealed class RateLimitLease
{
    private readonly FailureRateLimiter? limiter;
    private readonly IReadOnlyList<(RateLimitKey Key, DateTime WindowStart)> reserved;

    internal RateLimitLease(FailureRateLimiter limiter, IReadOnlyList<(RateLimitKey, DateTime)> reserved)
    {
        this.limiter = limiter;
        this.reserved = reserved;
        Granted = true;
    }

    internal RateLimitLease(RateLimitKey refusedBy, bool firstRefusal, TimeSpan retryAfter)
    {
        reserved = [];
        RefusedBy = refusedBy;
        FirstRefusalInWindow = firstRefusal;
        RetryAfter = retryAfter;
    }

    public bool Granted { get; }
    public RateLimitKey? RefusedBy { get; }
    public bool FirstRefusalInWindow { get; }
    public TimeSpan RetryAfter { get; }

    /// <summary>Seconds for the Retry-After header (at least 1).</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));

    public Task SucceededAsync(CancellationToken ct = default) => limiter is null ? Task.CompletedTask : limiter.ResolveAsync(reserved, failed: false, ct);

    public Task FailedAsync(CancellationToken ct = default) => limiter is null ? Task.CompletedTask : limiter.ResolveAsync(reserved, failed: true, ct);
}

/// <summary>
/// Counts failed attempts per key in fixed windows kept in the portal database, so several portal processes share
/// them. ASP.NET Core's rate-limiting middleware does not fit: it counts every request (a proxy signing in twenty
/// users would be limited) and keeps its counters in one process's memory.
/// Each step is one conditional UPDATE, so concurrent attempts cannot overshoot a limit. A key is refused only when its
/// confirmed failures reach the limit; while attempts still running hold the remaining room (a burst of good sign-ins
/// or worklist calls from one address), a new attempt waits for them instead of being refused.
/// </summary>
public sealed class FailureRateLimiter(IDbContextFactory<PortalDbContext> dbFactory, IOptions<RateLimitOptions> options, TimeProvider clock)
{
    public RateLimitOptions Options => options.Value;

    /// <summary>Longest wait for running attempts to give their reservations back; past it, the attempt is refused.</summary>
    private static readonly TimeSpan MaxWaitForRunning = TimeSpan.FromSeconds(15);

    /// <summary>Reserves one failure on every key, or refuses when one of them is full (then nothing stays reserved).</summary>
    public async Task<RateLimitLease> AcquireAsync(IReadOnlyList<RateLimitKey> keys, CancellationToken ct = default)
    {
        var window = options.Value.Window;
        var waitUntil = clock.GetUtcNow().UtcDateTime + MaxWaitForRunning;
        var reserved = new List<(RateLimitKey, DateTime)>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var windows = db.Set<RateLimitWindow>();
        foreach (var key in keys)
        {
            var id = key.Id;
            while (true)
            {
                var now = clock.GetUtcNow().UtcDateTime;
                await StartWindowIfExpiredAsync(db, id, now, window, ct);
                var granted = await windows.Where(w => w.Key == id && w.Count < key.Limit)
                    .ExecuteUpdateAsync(s => s.SetProperty(w => w.Count, w => w.Count + 1).SetProperty(w => w.Pending, w => w.Pending + 1), ct);
                var current = await windows.Where(w => w.Key == id).Select(w => new { w.WindowStart, w.Count, w.Pending }).FirstAsync(ct);
                if (granted == 1)
                {
                    reserved.Add((key, current.WindowStart));
                    break;
                }
                // Full only because attempts are still running: they may give their room back, so wait for them.
                if (current.Count - current.Pending < key.Limit && now < waitUntil)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(20), clock, ct);
                    continue;
                }

                await ResolveAsync(reserved, failed: false, ct);
                var start = current.WindowStart;
                // Decided in one conditional UPDATE: refusals released at the same moment must not both think they came first.
                var first = await windows.Where(w => w.Key == id && w.WindowStart == start && w.Refused == 0)
                    .ExecuteUpdateAsync(s => s.SetProperty(w => w.Refused, 1), ct) == 1;
                if (!first)
                {
                    await windows.Where(w => w.Key == id && w.WindowStart == start).ExecuteUpdateAsync(s => s.SetProperty(w => w.Refused, w => w.Refused + 1), ct);
                }
                var retryAfter = start + window - now;
                return new RateLimitLease(key, first, retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.Zero);
            }
        }
        return new RateLimitLease(this, reserved);
    }

    /// <summary>Ends reservations: a success gives its failure back, a failure keeps it counted; neither is running any more.</summary>
    internal async Task ResolveAsync(IEnumerable<(RateLimitKey Key, DateTime WindowStart)> reserved, bool failed, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var (key, start) in reserved)
        {
            var id = key.Id;
            // Only in the window the reservation was made in: a new window starts from zero anyway.
            var row = db.Set<RateLimitWindow>().Where(w => w.Key == id && w.WindowStart == start && w.Count > 0 && w.Pending > 0);
            if (failed) await row.ExecuteUpdateAsync(s => s.SetProperty(w => w.Pending, w => w.Pending - 1), ct);
            else await row.ExecuteUpdateAsync(s => s.SetProperty(w => w.Count, w => w.Count - 1).SetProperty(w => w.Pending, w => w.Pending - 1), ct);
        }
    }

    private static async Task StartWindowIfExpiredAsync(PortalDbContext db, string id, DateTime now, TimeSpan window, CancellationToken ct)
    {
        var cutoff = now - window;
        var windows = db.Set<RateLimitWindow>();
        var reset = await windows.Where(w => w.Key == id && w.WindowStart <= cutoff)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.WindowStart, now).SetProperty(w => w.Count, 0).SetProperty(w => w.Pending, 0).SetProperty(w => w.Refused, 0), ct);
        if (reset == 1 || await windows.AnyAsync(w => w.Key == id, ct)) return;

        // A new key: drop windows that ended long ago, so addresses and names seen once do not pile up.
        var stale = now - 2 * window;
        await windows.Where(w => w.WindowStart < stale).ExecuteDeleteAsync(ct);
        windows.Add(new RateLimitWindow { Key = id, WindowStart = now });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request (or portal process) created the row at the same moment: use theirs.
            db.ChangeTracker.Clear();
        }
    }
}
