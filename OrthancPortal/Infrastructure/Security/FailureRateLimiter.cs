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

/// <summary>One key's current window: failures counted (including attempts still running) and attempts refused.</summary>
public sealed class RateLimitWindow
{
    public string Key { get; set; } = "";
    public DateTime WindowStart { get; set; }
    public int Count { get; set; }
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
/// <see cref="SucceededAsync"/> when the attempt succeeds to give it back, otherwise it stays counted. Refused: the
/// key that is full, and whether this is the first refusal of its window (the one to audit and log).
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

    public Task SucceededAsync(CancellationToken ct = default) => limiter is null ? Task.CompletedTask : limiter.ReleaseAsync(reserved, ct);
}

/// <summary>
/// Counts failed attempts per key in fixed windows kept in the portal database, so several portal processes share
/// them. ASP.NET Core's rate-limiting middleware does not fit: it counts every request (a proxy signing in twenty
/// users would be limited) and keeps its counters in one process's memory.
/// Each step is one conditional UPDATE, so concurrent attempts cannot overshoot a limit.
/// </summary>
public sealed class FailureRateLimiter(IDbContextFactory<PortalDbContext> dbFactory, IOptions<RateLimitOptions> options, TimeProvider clock)
{
    public RateLimitOptions Options => options.Value;

    /// <summary>Reserves one failure on every key, or refuses when one of them is full (then nothing stays reserved).</summary>
    public async Task<RateLimitLease> AcquireAsync(IReadOnlyList<RateLimitKey> keys, CancellationToken ct = default)
    {
        var window = options.Value.Window;
        var now = clock.GetUtcNow().UtcDateTime;
        var reserved = new List<(RateLimitKey, DateTime)>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var windows = db.Set<RateLimitWindow>();
        foreach (var key in keys)
        {
            var id = key.Id;
            await StartWindowIfExpiredAsync(db, id, now, window, ct);
            var granted = await windows.Where(w => w.Key == id && w.Count < key.Limit)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.Count, w => w.Count + 1), ct);
            var start = await windows.Where(w => w.Key == id).Select(w => w.WindowStart).FirstAsync(ct);
            if (granted == 1)
            {
                reserved.Add((key, start));
                continue;
            }

            await ReleaseAsync(reserved, ct);
            await windows.Where(w => w.Key == id && w.WindowStart == start).ExecuteUpdateAsync(s => s.SetProperty(w => w.Refused, w => w.Refused + 1), ct);
            var refused = await windows.Where(w => w.Key == id && w.WindowStart == start).Select(w => w.Refused).FirstOrDefaultAsync(ct);
            var retryAfter = start + window - now;
            return new RateLimitLease(key, refused == 1, retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.Zero);
        }
        return new RateLimitLease(this, reserved);
    }

    internal async Task ReleaseAsync(IEnumerable<(RateLimitKey Key, DateTime WindowStart)> reserved, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var (key, start) in reserved)
        {
            var id = key.Id;
            // Only in the window the reservation was made in: a new window starts from zero anyway.
            await db.Set<RateLimitWindow>().Where(w => w.Key == id && w.WindowStart == start && w.Count > 0)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.Count, w => w.Count - 1), ct);
        }
    }

    private static async Task StartWindowIfExpiredAsync(PortalDbContext db, string id, DateTime now, TimeSpan window, CancellationToken ct)
    {
        var cutoff = now - window;
        var windows = db.Set<RateLimitWindow>();
        var reset = await windows.Where(w => w.Key == id && w.WindowStart <= cutoff)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.WindowStart, now).SetProperty(w => w.Count, 0).SetProperty(w => w.Refused, 0), ct);
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
