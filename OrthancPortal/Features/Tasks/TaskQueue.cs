using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Live;
using OrthancPortal.Infrastructure.Scheduling;
using Quartz;

namespace OrthancPortal.Features.Tasks;

/// <summary>Creates, runs, cancels and recovers portal tasks. Quartz runs each task once as a job.</summary>
public sealed class TaskQueue(
    IDbContextFactory<PortalDbContext> dbFactory,
    BackgroundJobs jobs,
    LiveNotifier notifier,
    TimeProvider clock,
    IServiceScopeFactory scopes,
    ILogger<TaskQueue> logger) : IHostedService
{
    private readonly ConcurrentDictionary<long, CancellationTokenSource> running = new();

    public async Task<long> EnqueueAsync(string type, object payload, string title, Actor owner, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var task = new PortalTask
        {
            Type = type,
            Title = title,
            OwnerId = owner.UserId,
            OwnerName = owner.UserName,
            State = PortalTaskState.Queued,
            Payload = JsonSerializer.Serialize(payload, payload.GetType()),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Add(task);
        await db.SaveChangesAsync(ct);
        Publish(task);
        await ScheduleAsync(task.Id, ct);
        return task.Id;
    }

    /// <summary>Stops a running task at its next cancellation check, or cancels a queued one.</summary>
    public async Task<bool> CancelAsync(long id, CancellationToken ct = default)
    {
        if (running.TryGetValue(id, out var cts))
        {
            await cts.CancelAsync();
            return true;
        }
        return await UpdateAsync(id, t =>
        {
            if (t.State != PortalTaskState.Queued) return false;
            t.State = PortalTaskState.Cancelled;
            t.FinishedAt = clock.GetUtcNow().UtcDateTime;
            return true;
        }, ct);
    }

    /// <summary>Queues a failed or cancelled task again, keeping its checkpoint.</summary>
    public async Task<bool> RetryAsync(long id, CancellationToken ct = default)
    {
        var ok = await UpdateAsync(id, t =>
        {
            if (t.State is not (PortalTaskState.Failed or PortalTaskState.Cancelled)) return false;
            t.State = PortalTaskState.Queued;
            t.Error = null;
            t.FinishedAt = null;
            return true;
        }, ct);
        if (ok) await ScheduleAsync(id, ct);
        return ok;
    }

    public async Task<PortalTask?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<PortalTask>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
    }

    /// <summary>Runs the task now, on the calling thread (Quartz calls this through <see cref="PortalTaskJob"/>).</summary>
    internal async Task RunAsync(long id, CancellationToken schedulerToken)
    {
        PortalTask? task = null;
        if (!await UpdateAsync(id, t =>
            {
                if (t.State != PortalTaskState.Queued) return false;
                t.State = PortalTaskState.Running;
                t.StartedAt = clock.GetUtcNow().UtcDateTime;
                t.Attempts++;
                task = t;
                return true;
            }, schedulerToken) || task is null)
        {
            return;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(schedulerToken, stopping.Token);
        running[id] = cts;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetServices<ITaskHandler>().FirstOrDefault(h => h.Type == task.Type)
                ?? throw new TaskFailedException($"No handler for task type '{task.Type}'.");
            var progress = new Progress(this, task);
            var run = new TaskRun(task, progress, checkpoint => UpdateAsync(id, t => { t.Checkpoint = checkpoint; return true; }, CancellationToken.None));
            var result = await handler.RunAsync(run, cts.Token);
            await FinishAsync(id, PortalTaskState.Succeeded, result, null);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The portal is stopping: leave the task Running; recovery at the next start resumes or fails it.
            logger.LogInformation("Task {Id} interrupted by shutdown", id);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            await FinishAsync(id, PortalTaskState.Cancelled, null, "Cancelled by a user.");
        }
        catch (Exception ex)
        {
            var reason = ex is TaskFailedException or Orthanc.OrthancException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            logger.LogWarning(ex, "Task {Id} ({Type}) failed", id, task.Type);
            await FinishAsync(id, PortalTaskState.Failed, null, reason);
        }
        finally
        {
            running.TryRemove(id, out _);
        }
    }

    private readonly CancellationTokenSource stopping = new();

    public async Task StartAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var handlers = scope.ServiceProvider.GetServices<ITaskHandler>().ToDictionary(h => h.Type);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var unfinished = await db.Set<PortalTask>()
            .Where(t => t.State == PortalTaskState.Running || t.State == PortalTaskState.Queued)
            .OrderBy(t => t.Id).ToListAsync(ct);
        foreach (var t in unfinished.Where(t => t.State == PortalTaskState.Running))
        {
            if (handlers.TryGetValue(t.Type, out var h) && h.Resumable)
            {
                t.State = PortalTaskState.Queued;
                logger.LogInformation("Resuming task {Id} ({Type}) after a restart", t.Id, t.Type);
            }
            else
            {
                t.State = PortalTaskState.Failed;
                t.FinishedAt = clock.GetUtcNow().UtcDateTime;
                t.Error = $"The portal stopped while this task was running (at {t.Progress:P0}). It cannot continue where it stopped; start it again.";
                logger.LogWarning("Task {Id} ({Type}) failed: interrupted by a restart", t.Id, t.Type);
            }
        }
        await db.SaveChangesAsync(ct);
        foreach (var t in unfinished.Where(t => t.State == PortalTaskState.Queued)) await ScheduleAsync(t.Id, ct);
    }

    public async Task StopAsync(CancellationToken ct) => await stopping.CancelAsync();

    private async Task ScheduleAsync(long id, CancellationToken ct)
        => await jobs.RunOnceAsync<PortalTaskJob>($"task-{id}", new Dictionary<string, object?> { [PortalTaskJob.TaskIdKey] = id }, BackgroundJobs.TaskGroup, ct);

    private async Task FinishAsync(long id, PortalTaskState state, string? result, string? error)
        => await UpdateAsync(id, t =>
        {
            t.State = state;
            t.Result = result;
            t.Error = error;
            if (state == PortalTaskState.Succeeded) { t.Progress = 1; }
            t.FinishedAt = clock.GetUtcNow().UtcDateTime;
            return true;
        }, CancellationToken.None);

    private async Task<bool> UpdateAsync(long id, Func<PortalTask, bool> change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var task = await db.Set<PortalTask>().FirstOrDefaultAsync(t => t.Id == id, ct);
        if (task is null || !change(task)) return false;
        await db.SaveChangesAsync(ct);
        Publish(task);
        return true;
    }

    private void Publish(PortalTask t)
        => notifier.Publish(new TaskChanged(t.Id, t.Type, t.OwnerId, t.State, t.Progress, t.ProgressText, t.Error));

    private sealed class Progress(TaskQueue queue, PortalTask task) : ITaskProgress
    {
        public Task ReportAsync(double fraction, string? text = null)
            => queue.UpdateAsync(task.Id, t =>
            {
                t.Progress = Math.Clamp(fraction, 0, 1);
                t.ProgressText = text;
                return true;
            }, CancellationToken.None);
    }
}

/// <summary>The Quartz job that runs one portal task.</summary>
public sealed class PortalTaskJob(TaskQueue queue) : IJob
{
    public const string TaskIdKey = "taskId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
        => await queue.RunAsync(context.MergedJobDataMap.GetLong(TaskIdKey), ct);
}
