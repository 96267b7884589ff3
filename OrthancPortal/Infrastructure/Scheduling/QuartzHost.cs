using System.Collections.Concurrent;
using System.Collections.Specialized;
using Quartz;
using Quartz.Impl;
using Quartz.Spi;

namespace OrthancPortal.Infrastructure.Scheduling;

public sealed class SchedulingOptions
{
    public const string Section = "Scheduling";
    /// <summary>How many jobs (tasks, robots, cleanups) run at once.</summary>
    public int MaxConcurrency { get; set; } = 4;
}

/// <summary>
/// Hosts a Quartz scheduler (Quartz.Extensions.Hosting is not available here). Jobs are resolved from DI in a
/// scope of their own. Other hosted services call <see cref="Started"/> before scheduling.
/// </summary>
public sealed class QuartzHost(IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<SchedulingOptions> options, ILogger<QuartzHost> logger)
    : IHostedService, IJobFactory
{
    private readonly TaskCompletionSource<IScheduler> started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<IJob, AsyncServiceScope> jobScopes = new();

    public Task<IScheduler> Started => started.Task;

    public async Task StartAsync(CancellationToken ct)
    {
        var factory = new StdSchedulerFactory(new NameValueCollection
        {
            // Unique per host: tests run several portals in one process, and Quartz keeps schedulers by name.
            ["quartz.scheduler.instanceName"] = $"portal-{Guid.NewGuid():N}",
            ["quartz.threadPool.maxConcurrency"] = options.Value.MaxConcurrency.ToString(),
            ["quartz.jobStore.type"] = "Quartz.Simpl.RAMJobStore, Quartz",
        });
        var scheduler = await factory.GetScheduler(ct);
        scheduler.JobFactory = this;
        await scheduler.Start(ct);
        started.SetResult(scheduler);
        logger.LogInformation("Scheduler started with {Threads} threads", options.Value.MaxConcurrency);
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (started.Task.IsCompletedSuccessfully) await started.Task.Result.Shutdown(waitForJobsToComplete: false, ct);
    }

    /// <summary>Runs <typeparamref name="TJob"/> every <paramref name="interval"/>, replacing an earlier schedule of the same name; null removes it.</summary>
    public async Task ScheduleRecurringAsync<TJob>(string name, TimeSpan? interval, CancellationToken ct = default) where TJob : IJob
    {
        var scheduler = await Started;
        var key = new JobKey(name, "recurring");
        await scheduler.DeleteJob(key, ct);
        if (interval is null) return;
        var job = JobBuilder.Create<TJob>().WithIdentity(key).Build();
        var trigger = TriggerBuilder.Create()
            .StartAt(DateTimeOffset.UtcNow + interval.Value)
            .WithSimpleSchedule(s => s.WithInterval(interval.Value).RepeatForever().WithMisfireHandlingInstructionNextWithRemainingCount())
            .Build();
        await scheduler.ScheduleJob(job, trigger, ct);
    }

    /// <summary>Runs <typeparamref name="TJob"/> once, now, with the given data.</summary>
    public async Task RunOnceAsync<TJob>(string name, IDictionary<string, object> data, CancellationToken ct = default) where TJob : IJob
    {
        var scheduler = await Started;
        var job = JobBuilder.Create<TJob>().WithIdentity(name, "once").UsingJobData(new JobDataMap(data)).Build();
        var trigger = TriggerBuilder.Create().StartNow().Build();
        await scheduler.ScheduleJob(job, [trigger], replace: true, ct);
    }

    IJob IJobFactory.NewJob(TriggerFiredBundle bundle, IScheduler scheduler)
    {
        var scope = scopes.CreateAsyncScope();
        var job = (IJob)ActivatorUtilities.CreateInstance(scope.ServiceProvider, bundle.JobDetail.JobType);
        jobScopes[job] = scope;
        return job;
    }

    void IJobFactory.ReturnJob(IJob job)
    {
        if (jobScopes.TryRemove(job, out var scope)) _ = scope.DisposeAsync().AsTask();
    }
}
