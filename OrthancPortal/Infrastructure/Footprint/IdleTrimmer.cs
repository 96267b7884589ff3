using Microsoft.Extensions.Options;
using Quartz;

namespace OrthancPortal.Infrastructure.Footprint;

/// <summary>Is background work running right now (a portal task, a robot retrieve, a queue being drained)?</summary>
public interface IBackgroundWork
{
    ValueTask<bool> IsRunningAsync(CancellationToken ct);
}

/// <summary>
/// All background work runs as Quartz jobs (tasks, robots, persisted queues, recurring jobs): a job listener of this
/// scheduler keeps the firings running in this process (a cluster's other nodes do not count), without a database query.
/// </summary>
internal sealed class QuartzRunningJobs : IBackgroundWork, IJobListener
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> running = new();

    public string Name => "footprint-running-jobs";

    public ValueTask<bool> IsRunningAsync(CancellationToken ct) => ValueTask.FromResult(!running.IsEmpty);

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken ct)
    {
        running[context.FireInstanceId] = 0;
        return ValueTask.CompletedTask;
    }

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken ct)
    {
        running.TryRemove(context.FireInstanceId, out _);
        return ValueTask.CompletedTask;
    }

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken ct) => ValueTask.CompletedTask;

    public ValueTask JobProgressChanged(IJobExecutionContext context, Quartz.Extensibility.FireInstanceProgress progress, CancellationToken ct) => ValueTask.CompletedTask;
}

/// <summary>
/// Once the portal has been idle for <see cref="FootprintOptions.IdleAfter"/> (nothing in flight, no job running,
/// no activity since), gives unused memory back once (<see cref="IMemoryTrim"/>); then waits for new activity before it
/// trims again. A check is a few reads every quarter of IdleAfter (at most every 30 s): it never runs work of its own
/// while the portal works.
/// </summary>
public sealed class IdleTrimmer(PortalActivity activity, IBackgroundWork work, IMemoryTrim trim, TimeProvider clock,
    IOptions<FootprintOptions> options) : BackgroundService
{
    private long trimmedAt = -1;

    /// <summary>How often the loop looks.</summary>
    public TimeSpan CheckEvery => TimeSpan.FromTicks(Math.Clamp(options.Value.IdleAfter.Ticks / 4, TimeSpan.TicksPerSecond, 30 * TimeSpan.TicksPerSecond));

    private PeriodicTimer? timer;

    public override Task StartAsync(CancellationToken ct)
    {
        // Made here, not in ExecuteAsync (which runs on a pool thread): its period counts from the start.
        if (options.Value.TrimWhenIdle) timer = new PeriodicTimer(CheckEvery, clock);
        return base.StartAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (timer is null) return;
        try
        {
            while (await timer.WaitForNextTickAsync(ct)) await CheckAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    public override void Dispose()
    {
        timer?.Dispose();
        base.Dispose();
    }

    /// <summary>One look: trims when idle long enough and not yet trimmed since the last activity. True when it trimmed.</summary>
    public async Task<bool> CheckAsync(CancellationToken ct)
    {
        var generation = activity.Generation;
        if (generation == trimmedAt || activity.InFlight > 0) return false;
        if (clock.GetUtcNow() - activity.LastActivity < options.Value.IdleAfter) return false;
        if (await work.IsRunningAsync(ct)) return false;
        // Activity that began while the job list was read wins: trim on the next look instead.
        if (activity.Generation != generation || activity.InFlight > 0) return false;
        trim.Trim();
        trimmedAt = generation;
        return true;
    }
}
