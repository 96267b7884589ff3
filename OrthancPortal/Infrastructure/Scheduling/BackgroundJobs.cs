using Quartz;

namespace OrthancPortal.Infrastructure.Scheduling;

public sealed class SchedulingOptions
{
    public const string Section = "Scheduling";

    /// <summary>How many portal tasks (exports, anonymizations, imports...) run at once.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>
    /// Threads kept for everything but portal tasks: the drains of the persisted queues (burner, automation: one
    /// each at most) and recurring or short jobs (robot dispatch, worklist cleanup, validations), so that a handful
    /// of long exports can never take every thread from them.
    /// </summary>
    public int ReservedThreads { get; set; } = 4;

    /// <summary>How many robot retrieves run at once over all robots (each robot also has its own concurrency).</summary>
    public int MaxRobotRetrieves { get; set; } = 8;
}

/// <summary>
/// The one way to run work in the background: Quartz (its own DI job factory, one scope per run, and its hosted
/// service). Portal tasks run in the <see cref="TaskGroup"/> execution group, which is capped at
/// <see cref="SchedulingOptions.MaxConcurrency"/>; everything else uses the threads above that cap.
/// </summary>
public sealed class BackgroundJobs(ISchedulerFactory schedulers)
{
    /// <summary>Execution group of long, persisted portal tasks.</summary>
    public const string TaskGroup = "tasks";

    /// <summary>Execution group of robot retrieves: they wait on remote PACS for minutes, so they get threads of their own.</summary>
    public const string RobotGroup = "robots";

    public static void Register(IServiceCollection services, SchedulingOptions options)
    {
        services.AddQuartz(q =>
        {
            q.UseDefaultThreadPool(options.MaxConcurrency + options.MaxRobotRetrieves + Math.Max(1, options.ReservedThreads));
            q.UseExecutionLimits(limits =>
            {
                limits.ForGroup(TaskGroup, options.MaxConcurrency);
                limits.ForGroup(RobotGroup, options.MaxRobotRetrieves);
            });
        });
        // Jobs watch their cancellation token; the portal's own state (tasks, robot items) survives a stop and is resumed at the next start.
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = false);
        services.AddSingleton<BackgroundJobs>();
    }

    /// <summary>
    /// Runs <typeparamref name="TJob"/> every <paramref name="interval"/> (the first time at once when
    /// <paramref name="startNow"/>), replacing an earlier schedule of the same name; null removes it.
    /// </summary>
    public async Task ScheduleRecurringAsync<TJob>(string name, TimeSpan? interval, CancellationToken ct = default, bool startNow = false) where TJob : IJob
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var key = new JobKey(name, "recurring");
        await scheduler.DeleteJob(key, ct);
        if (interval is null) return;
        var job = JobBuilder.Create<TJob>().WithIdentity(key).Build();
        var trigger = TriggerBuilder.Create()
            .StartAt(DateTimeOffset.UtcNow + (startNow ? TimeSpan.Zero : interval.Value))
            .WithSimpleSchedule(s => s.WithInterval(interval.Value).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
            .Build();
        await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions(), ct);
    }

    /// <summary>Runs <typeparamref name="TJob"/> once, as soon as a thread of its group is free, with the given data.</summary>
    public async Task RunOnceAsync<TJob>(string name, IDictionary<string, object?> data, string? executionGroup = null, CancellationToken ct = default) where TJob : IJob
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var job = JobBuilder.Create<TJob>().WithIdentity(name, "once").UsingJobData(new JobDataMap(data)).Build();
        var builder = TriggerBuilder.Create().StartNow();
        if (executionGroup is not null) builder = builder.WithExecutionGroup(executionGroup);
        await scheduler.ScheduleJob(job, [builder.Build()], ScheduleJobOptions.Replacing, ct);
    }

    internal static string QueueJobName<TQueue>() => $"queue-{typeof(TQueue).Name}";

    /// <summary>Drains <typeparamref name="TQueue"/> now (after the drain that runs, if one does: a wake-up is never lost).</summary>
    public async Task WakeAsync<TQueue>(CancellationToken ct = default) where TQueue : IPersistedQueue
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var key = new JobKey(QueueJobName<TQueue>(), "recurring");
        // Before the queue's starter has scheduled it there is nothing to wake: its first drain comes right after.
        if (await scheduler.GetJobDetail(key, ct) is not null) await scheduler.TriggerJob(key, new JobDataMap(), ct);
    }
}
