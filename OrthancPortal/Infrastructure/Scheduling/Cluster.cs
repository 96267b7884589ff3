using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Infrastructure.Scheduling;

/// <summary>How portal processes sharing one PostgreSQL database notice each other (section <c>Cluster</c>).</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>How often a process writes its heartbeat row.</summary>
    public double HeartbeatSeconds { get; set; } = 5;

    /// <summary>A process whose heartbeat is older than this is taken for dead: its tasks go to a live process.</summary>
    public double NodeTimeoutSeconds { get; set; } = 30;

    /// <summary>How often a process looks for tasks of dead processes to take over.</summary>
    public double TakeOverSeconds { get; set; } = 10;
}

/// <summary>
/// This process among the portals on one database: host, process id and a random part (a restarted process on the same
/// host with a recycled pid is still another node). It names the holder of a <see cref="Lease"/> and the runner of a task.
/// </summary>
public sealed class PortalNode
{
    public string Id { get; } = $"{Truncate(Environment.MachineName, 50)}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..12]}";

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}

/// <summary>One portal process's heartbeat (table <c>PortalNodes</c>).</summary>
public sealed class PortalNodeRow
{
    public string Id { get; set; } = "";
    public string Host { get; set; } = "";
    public int ProcessId { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime HeartbeatAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<PortalNodeRow>
    {
        public void Configure(EntityTypeBuilder<PortalNodeRow> e)
        {
            e.ToTable("PortalNodes");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(100);
            e.Property(x => x.Host).HasMaxLength(100);
        }
    }
}

/// <summary>
/// A named right that one process holds at a time (table <c>Leases</c>): the change-feed reader, the first-run seeding.
/// The holder renews it before it expires; anyone takes it over once it has expired. Taking and renewing are one
/// conditional UPDATE (holder is me, or the lease has expired), so two processes never both succeed, on SQLite and
/// PostgreSQL alike, with no advisory locks. Times are the processes' own UTC clocks: keep them in step (NTP).
/// </summary>
public sealed class Lease
{
    public string Name { get; set; } = "";
    public string Holder { get; set; } = "";
    public DateTime AcquiredAt { get; set; }
    public DateTime ExpiresAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<Lease>
    {
        public void Configure(EntityTypeBuilder<Lease> e)
        {
            e.ToTable("Leases");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(64);
            e.Property(x => x.Holder).HasMaxLength(100);
        }
    }
}

public sealed class LeaseStore(IDbContextFactory<PortalDbContext> dbFactory, PortalNode node, IOptions<PortalOptions> portal, TimeProvider clock)
{
    /// <summary>Takes or renews <paramref name="name"/> for this process for <paramref name="duration"/>; false while another process holds it.</summary>
    public async Task<bool> TryAcquireAsync(string name, TimeSpan duration, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + duration;
        var holder = node.Id;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var renewed = await db.Set<Lease>().Where(l => l.Name == name && l.Holder == holder)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, until), ct);
        if (renewed == 1) return true;
        // On SQLite this is the only process (the file is not shared): a lease another holder left is a crashed
        // predecessor's, and waiting for its expiry would only delay the start.
        var expiredBefore = portal.Value.Database == PortalDatabase.Postgres ? now : DateTime.MaxValue;
        var taken = await db.Set<Lease>().Where(l => l.Name == name && l.ExpiresAt < expiredBefore)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.AcquiredAt, now).SetProperty(l => l.ExpiresAt, until), ct);
        if (taken == 1) return true;
        if (await db.Set<Lease>().AnyAsync(l => l.Name == name, ct)) return false;
        db.Add(new Lease { Name = name, Holder = holder, AcquiredAt = now, ExpiresAt = until });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another process inserted the row first: it holds the lease.
            return false;
        }
    }

    /// <summary>Gives the lease up at once (a clean stop), so another process need not wait for it to expire.</summary>
    public async Task ReleaseAsync(string name, CancellationToken ct = default)
    {
        var holder = node.Id;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Set<Lease>().Where(l => l.Name == name && l.Holder == holder)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, DateTime.UnixEpoch), ct);
    }

    public async Task<Lease?> GetAsync(string name, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<Lease>().AsNoTracking().FirstOrDefaultAsync(l => l.Name == name, ct);
    }

    /// <summary>Runs <paramref name="work"/> while holding <paramref name="name"/>, waiting for it first (e.g. the seeding, once at a time).</summary>
    public async Task RunExclusiveAsync(string name, TimeSpan duration, Func<Task> work, CancellationToken ct = default)
    {
        while (!await TryAcquireAsync(name, duration, ct)) await Task.Delay(TimeSpan.FromMilliseconds(250), clock, ct);
        try { await work(); }
        finally { await ReleaseAsync(name, CancellationToken.None); }
    }
}

/// <summary>
/// Writes this process's heartbeat every <see cref="ClusterOptions.HeartbeatSeconds"/> and removes it on a clean stop.
/// <see cref="LiveNodesAsync"/> is what take-over asks. On SQLite there is one process by definition (the file is not
/// shared), so every other node is dead: a restarted portal takes its unfinished tasks back at once, as it always did.
/// </summary>
public sealed class NodeHeartbeat(
    IDbContextFactory<PortalDbContext> dbFactory,
    PortalNode node,
    IOptions<ClusterOptions> options,
    IOptions<PortalOptions> portal,
    TimeProvider clock,
    ILogger<NodeHeartbeat> logger) : BackgroundService
{
    private readonly DateTime started = clock.GetUtcNow().UtcDateTime;

    public bool SharedDatabase => portal.Value.Database == PortalDatabase.Postgres;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        logger.LogInformation("This portal process is node {Node}", node.Id);
        // On SQLite no other process reads heartbeats (LiveNodesAsync knows only this one): no writes for nothing.
        if (!SharedDatabase) return;
        while (!stopping.IsCancellationRequested)
        {
            try { await BeatAsync(stopping); }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { break; }
            catch (Exception ex) { logger.LogWarning(ex, "Heartbeat of node {Node} failed", node.Id); }
            try { await Task.Delay(TimeSpan.FromSeconds(options.Value.HeartbeatSeconds), clock, stopping); }
            catch (OperationCanceledException) { break; }
        }
    }

    public async Task BeatAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var id = node.Id;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Set<PortalNodeRow>().Where(n => n.Id == id).ExecuteUpdateAsync(s => s.SetProperty(n => n.HeartbeatAt, now), ct) == 1) return;
        db.Add(new PortalNodeRow { Id = id, Host = Environment.MachineName, ProcessId = Environment.ProcessId, StartedAt = started, HeartbeatAt = now });
        await db.SaveChangesAsync(ct);
        // Rows of nodes dead for long are only history; a day keeps them for a look after an incident.
        var old = now - TimeSpan.FromDays(1);
        await db.Set<PortalNodeRow>().Where(n => n.HeartbeatAt < old).ExecuteDeleteAsync(ct);
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        if (!SharedDatabase) return;
        try
        {
            var id = node.Id;
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await db.Set<PortalNodeRow>().Where(n => n.Id == id).ExecuteDeleteAsync(ct);
        }
        catch (Exception ex) { logger.LogDebug(ex, "Could not remove the heartbeat of node {Node}", node.Id); }
    }

    /// <summary>The nodes alive now (this one always): their heartbeat is younger than <see cref="ClusterOptions.NodeTimeoutSeconds"/>.</summary>
    public async Task<HashSet<string>> LiveNodesAsync(CancellationToken ct)
    {
        var live = new HashSet<string> { node.Id };
        if (!SharedDatabase) return live;
        var since = clock.GetUtcNow().UtcDateTime - TimeSpan.FromSeconds(options.Value.NodeTimeoutSeconds);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        live.UnionWith(await db.Set<PortalNodeRow>().Where(n => n.HeartbeatAt >= since).Select(n => n.Id).ToListAsync(ct));
        return live;
    }
}

public static class ClusterServiceCollectionExtensions
{
    /// <summary>This process's node identity, its heartbeat and the lease store (registered by AddInfrastructure, after the database initializer).</summary>
    public static IServiceCollection AddCluster(this IServiceCollection services)
    {
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section);
        services.AddSingleton<PortalNode>();
        services.AddSingleton<LeaseStore>();
        services.AddSingleton<NodeHeartbeat>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeHeartbeat>());
        return services;
    }
}
