using Quartz;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Infrastructure.Scheduling;

/// <summary>
/// A queue whose items are rows of the portal database (burner jobs, automation runs). It is drained by
/// <see cref="DrainQueueJob{TQueue}"/> on Quartz: one drain at a time per queue, right after start-up, whenever
/// <see cref="BackgroundJobs.WakeAsync{TQueue}"/> is called, and again every rescan interval, so an unexpected error
/// never stalls the queue until the next event. Register with <c>services.AddPersistedQueue&lt;TQueue&gt;(rescan)</c>.
/// </summary>
public interface IPersistedQueue
{
    /// <summary>
    /// Before the first drain (SQLite: once at start-up; PostgreSQL: at the start of every drain, under the queue's lease,
    /// so no other process is working on an item then): items a stop or a dead process interrupted go back into the
    /// queue or fail with a reason.
    /// </summary>
    Task RecoverAsync(CancellationToken ct);

    /// <summary>Takes the next due item and processes it, recording its outcome on the item; false when none waits.</summary>
    Task<bool> ProcessNextAsync(CancellationToken ct);
}

/// <summary>
/// Drains one <see cref="IPersistedQueue"/>. Quartz runs it in a DI scope of its own and never twice at once in a process.
/// Several portals on one PostgreSQL database drain a queue one at a time: the drain holds the lease
/// <c>queue-&lt;name&gt;</c> (renewed while it works, released at the end); a process that finds it held skips this drain
/// (the holder, or the next rescan, takes the items).
/// </summary>
[DisallowConcurrentExecution]
public sealed class DrainQueueJob<TQueue>(TQueue queue, LeaseStore leases, NodeHeartbeat cluster, ILogger<DrainQueueJob<TQueue>> logger) : IJob where TQueue : IPersistedQueue
{
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(60);

    internal static string LeaseName => $"queue-{typeof(TQueue).Name}";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var lease = LeaseName;
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task? renewal = null;
        try
        {
            if (cluster.SharedDatabase)
            {
                if (!await leases.TryAcquireAsync(lease, LeaseTime, ct)) return;
                renewal = RenewAsync(lease, renewing.Token);
                await queue.RecoverAsync(ct);
            }
            // No user started this drain: it speaks the site's language (a queue whose rows record their starter's
            // language, like burner jobs, switches to it per item).
            await PortalCultures.RunInAsync(PortalCultures.SiteDefault.Name, async () => { while (await queue.ProcessNextAsync(ct)) { } });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception ex)
        {
            // The item stays in the database as it was; the next wake or rescan takes it up again.
            logger.LogError(ex, "Draining the {Queue} queue failed; it is tried again at the next wake-up or rescan", typeof(TQueue).Name);
        }
        finally
        {
            if (renewal is not null)
            {
                await renewing.CancelAsync();
                try { await renewal; } catch (OperationCanceledException) { }
                try { await leases.ReleaseAsync(lease, CancellationToken.None); }
                catch (Exception ex) { logger.LogDebug(ex, "Could not release {Lease}", lease); }
            }
        }
    }

    /// <summary>Keeps the lease while one item takes long (a disc image, a big download).</summary>
    private async Task RenewAsync(string lease, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(LeaseTime / 3, ct);
            try { await leases.TryAcquireAsync(lease, LeaseTime, ct); }
            catch (Exception ex) when (ex is not OperationCanceledException) { logger.LogWarning(ex, "Renewing {Lease} failed", lease); }
        }
    }
}

public static class PersistedQueueRegistration
{
    public static IServiceCollection AddPersistedQueue<TQueue>(this IServiceCollection services, TimeSpan rescan) where TQueue : class, IPersistedQueue
    {
        services.AddScoped<TQueue>();
        services.AddHostedService(sp => new PersistedQueueStarter<TQueue>(sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<BackgroundJobs>(), sp.GetRequiredService<NodeHeartbeat>(), sp.GetRequiredService<LeaseStore>(), rescan));
        return services;
    }

    /// <summary>Recovers the queue's interrupted items, then schedules its drain (at once, and every rescan interval).</summary>
    private sealed class PersistedQueueStarter<TQueue>(IServiceScopeFactory scopes, BackgroundJobs jobs, NodeHeartbeat cluster, LeaseStore leases, TimeSpan rescan) : IHostedService
        where TQueue : class, IPersistedQueue
    {
        public async Task StartAsync(CancellationToken ct)
        {
            // With several processes on the database, another live process may be working on an item: recover only
            // under the queue's lease (each drain does so as well).
            var lease = cluster.SharedDatabase ? leases : null;
            if (lease is null || await lease.TryAcquireAsync(DrainQueueJob<TQueue>.LeaseName, TimeSpan.FromSeconds(60), ct))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<TQueue>().RecoverAsync(ct);
                }
                finally
                {
                    if (lease is not null) await lease.ReleaseAsync(DrainQueueJob<TQueue>.LeaseName, CancellationToken.None);
                }
            }
            await jobs.ScheduleRecurringAsync<DrainQueueJob<TQueue>>(BackgroundJobs.QueueJobName<TQueue>(), rescan, ct, startNow: true);
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
