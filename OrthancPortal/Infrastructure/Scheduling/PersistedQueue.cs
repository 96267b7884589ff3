using Quartz;

namespace OrthancPortal.Infrastructure.Scheduling;

/// <summary>
/// A queue whose items are rows of the portal database (burner jobs, automation runs). It is drained by
/// <see cref="DrainQueueJob{TQueue}"/> on Quartz: one drain at a time per queue, right after start-up, whenever
/// <see cref="BackgroundJobs.WakeAsync{TQueue}"/> is called, and again every rescan interval, so an unexpected error
/// never stalls the queue until the next event. Register with <c>services.AddPersistedQueue&lt;TQueue&gt;(rescan)</c>.
/// </summary>
public interface IPersistedQueue
{
    /// <summary>Once at start-up, before the first drain: items a stop interrupted go back into the queue or fail with a reason.</summary>
    Task RecoverAsync(CancellationToken ct);

    /// <summary>Takes the next due item and processes it, recording its outcome on the item; false when none waits.</summary>
    Task<bool> ProcessNextAsync(CancellationToken ct);
}

/// <summary>Drains one <see cref="IPersistedQueue"/>. Quartz runs it in a DI scope of its own and never twice at once.</summary>
[DisallowConcurrentExecution]
public sealed class DrainQueueJob<TQueue>(TQueue queue, ILogger<DrainQueueJob<TQueue>> logger) : IJob where TQueue : IPersistedQueue
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        try
        {
            while (await queue.ProcessNextAsync(ct)) { }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception ex)
        {
            // The item stays in the database as it was; the next wake or rescan takes it up again.
            logger.LogError(ex, "Draining the {Queue} queue failed; it is tried again at the next wake-up or rescan", typeof(TQueue).Name);
        }
    }
}

public static class PersistedQueueRegistration
{
    public static IServiceCollection AddPersistedQueue<TQueue>(this IServiceCollection services, TimeSpan rescan) where TQueue : class, IPersistedQueue
    {
        services.AddScoped<TQueue>();
        services.AddHostedService(sp => new PersistedQueueStarter<TQueue>(sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<BackgroundJobs>(), rescan));
        return services;
    }

    /// <summary>Recovers the queue's interrupted items, then schedules its drain (at once, and every rescan interval).</summary>
    private sealed class PersistedQueueStarter<TQueue>(IServiceScopeFactory scopes, BackgroundJobs jobs, TimeSpan rescan) : IHostedService
        where TQueue : class, IPersistedQueue
    {
        public async Task StartAsync(CancellationToken ct)
        {
            await using (var scope = scopes.CreateAsyncScope()) await scope.ServiceProvider.GetRequiredService<TQueue>().RecoverAsync(ct);
            await jobs.ScheduleRecurringAsync<DrainQueueJob<TQueue>>(BackgroundJobs.QueueJobName<TQueue>(), rescan, ct, startNow: true);
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
