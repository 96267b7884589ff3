using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Localization;
using OrthancPortal.Infrastructure.Live;
using OrthancPortal.Infrastructure.Scheduling;
using Quartz;

namespace OrthancPortal.Features.Tasks;

/// <summary>
/// Creates, runs, cancels and recovers portal tasks. Quartz runs each task once as a job, in memory, on the process that
/// owns the task row (<see cref="PortalTask.Node"/>); the row, its state and its checkpoint are the truth. A process
/// that finds a task owned by a dead process (no heartbeat: <see cref="NodeHeartbeat"/>) takes it over with one
/// conditional UPDATE, so exactly one live process resumes it.
/// </summary>
public sealed class TaskQueue(
    IDbContextFactory<PortalDbContext> dbFactory,
    BackgroundJobs jobs,
    LiveNotifier notifier,
    PortalNode node,
    NodeHeartbeat heartbeat,
    Microsoft.Extensions.Options.IOptions<ClusterOptions> cluster,
    TimeProvider clock,
    IServiceScopeFactory scopes,
    IStringLocalizer<TaskQueue> L,
    ILogger<TaskQueue> logger) : IHostedService
{
    private IDisposable? cancelRequests;

    private readonly ConcurrentDictionary<long, RunningTask> running = new();

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
            Node = node.Id,
            // The handler runs later without a request: it speaks the language of the user who starts it now.
            Culture = PortalCultures.ForLaterWork(),
        };
        db.Add(task);
        await db.SaveChangesAsync(ct);
        Publish(task);
        await ScheduleAsync(task.Id, ct);
        return task.Id;
    }

    /// <summary>
    /// Cancels a queued task, or stops a running one at its next cancellation check. True means the cancel is
    /// accepted: the task then ends "Cancelled" (or "Failed" with its reason), never "Succeeded". False: the task is
    /// already finished (or does not exist).
    /// </summary>
    public async Task<bool> CancelAsync(long id, CancellationToken ct = default)
    {
        if (running.TryGetValue(id, out var run) && run.RequestCancel()) return true;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var cancelled = await db.Set<PortalTask>()
            .Where(t => t.Id == id && t.State == PortalTaskState.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.State, PortalTaskState.Cancelled).SetProperty(t => t.FinishedAt, now), ct) == 1;
        if (cancelled)
        {
            await PublishAsync(id);
            return true;
        }
        // Not Queued any more: a run took it between the look at `running` and the update. A run registers itself
        // before it moves the row to Running, so it is in `running` now unless it has already finished.
        if (running.TryGetValue(id, out run) && run.RequestCancel()) return true;
        if (await GetAsync(id, ct) is { State: PortalTaskState.Running, Node: { } other } && other != node.Id)
        {
            // It runs on another portal process: the notifier carries the request there (PostgreSQL fan-out).
            notifier.Publish(new TaskCancelRequested(id));
            return true;
        }
        return false;
    }

    /// <summary>Queues a failed or cancelled task again, keeping its checkpoint.</summary>
    public async Task<bool> RetryAsync(long id, CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // Conditional like every state change: two retries at once queue the task once.
            var queued = await db.Set<PortalTask>()
                .Where(t => t.Id == id && (t.State == PortalTaskState.Failed || t.State == PortalTaskState.Cancelled))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.State, PortalTaskState.Queued).SetProperty(t => t.Node, node.Id)
                    .SetProperty(t => t.Error, (string?)null).SetProperty(t => t.FinishedAt, (DateTime?)null), ct) == 1;
            if (!queued) return false;
        }
        await PublishAsync(id);
        await ScheduleAsync(id, ct);
        return true;
    }

    public async Task<PortalTask?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<PortalTask>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
    }

    /// <summary>Runs the task now, on the calling thread (Quartz calls this through <see cref="PortalTaskJob"/>).</summary>
    internal async Task RunAsync(long id, CancellationToken schedulerToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(schedulerToken, stopping.Token);
        var run = new RunningTask(cts);
        // Registered before the row says Running, so a cancel never finds a Running task it cannot reach.
        if (!running.TryAdd(id, run)) return;
        try
        {
            PortalTask? task;
            await using (var db = await dbFactory.CreateDbContextAsync(schedulerToken))
            {
                // One conditional UPDATE claims the task: of two processes that both scheduled it (one took it over), one runs it.
                var me = node.Id;
                var now = clock.GetUtcNow().UtcDateTime;
                var started = await db.Set<PortalTask>()
                    .Where(t => t.Id == id && t.State == PortalTaskState.Queued && (t.Node == null || t.Node == me))
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.State, PortalTaskState.Running).SetProperty(t => t.Node, me)
                        .SetProperty(t => t.StartedAt, now)
                        .SetProperty(t => t.Attempts, t => t.Attempts + 1), schedulerToken) == 1;
                if (!started) return; // cancelled while queued, or another run has it
                task = await db.Set<PortalTask>().AsNoTracking().FirstAsync(t => t.Id == id, schedulerToken);
            }
            Publish(task);
            await PortalCultures.RunInAsync(task.Culture, () => RunHandlerAsync(task, run));
        }
        finally
        {
            running.TryRemove(id, out _);
        }
    }

    private async Task RunHandlerAsync(PortalTask task, RunningTask run)
    {
        var id = task.Id;
        string? result = null;
        string? failure = null;
        var completed = false;
        try
        {
            run.Token.ThrowIfCancellationRequested();
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetServices<ITaskHandler>().FirstOrDefault(h => h.Type == task.Type)
                ?? throw new TaskFailedException(L["No handler for task type '{0}'.", task.Type]);
            var progress = new Progress(this, task);
            var taskRun = new TaskRun(task, progress, checkpoint => UpdateAsync(id, t => { t.Checkpoint = checkpoint; return true; }, CancellationToken.None));
            result = await handler.RunAsync(taskRun, run.Token);
            completed = true;
        }
        catch (OperationCanceledException) when (run.CancelRequested || run.Token.IsCancellationRequested)
        {
            // Decided below: a user's cancel, or the portal stopping.
        }
        catch (Exception ex)
        {
            failure = ex is TaskFailedException or Orthanc.OrthancException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            logger.LogWarning(ex, "Task {Id} ({Type}) failed", id, task.Type);
        }

        // From here on a cancel is refused (the task is finishing); one accepted before wins over the outcome,
        // even when the handler finished its work without looking at the token.
        if (run.Finish())
        {
            await FinishAsync(id, PortalTaskState.Cancelled, null, failure is null ? L["Cancelled by a user."] : L["Cancelled by a user. {0}", failure]);
        }
        else if (failure is not null)
        {
            await FinishAsync(id, PortalTaskState.Failed, null, failure);
        }
        else if (!completed)
        {
            // The portal is stopping: leave the task Running; recovery at the next start resumes or fails it.
            logger.LogInformation("Task {Id} interrupted by shutdown", id);
        }
        else
        {
            await FinishAsync(id, PortalTaskState.Succeeded, result, null);
        }
    }

    /// <summary>
    /// A run's cancellation and whether it may still be cancelled: a cancel and the end of the run decide under one
    /// lock, so a cancel is either accepted and wins, or refused because the run had already ended.
    /// </summary>
    private sealed class RunningTask(CancellationTokenSource cts)
    {
        private readonly Lock gate = new();
        private bool finished;

        public CancellationToken Token => cts.Token;
        public bool CancelRequested { get; private set; }

        public bool RequestCancel()
        {
            lock (gate)
            {
                if (finished) return false;
                CancelRequested = true;
            }
            cts.Cancel();
            return true;
        }

        /// <summary>Ends the window for cancels; returns whether one was accepted.</summary>
        public bool Finish()
        {
            lock (gate)
            {
                finished = true;
                return CancelRequested;
            }
        }
    }

    private readonly CancellationTokenSource stopping = new();

    public async Task StartAsync(CancellationToken ct)
    {
        cancelRequests = notifier.Subscribe<TaskCancelRequested>(m =>
        {
            if (running.TryGetValue(m.Id, out var run)) run.RequestCancel();
            return Task.CompletedTask;
        });
        await TakeOverAsync(ct);
        await jobs.ScheduleRecurringAsync<TaskTakeOverJob>("task-takeover", TimeSpan.FromSeconds(cluster.Value.TakeOverSeconds), ct);
    }

    /// <summary>
    /// Takes the unfinished tasks of processes that are gone (at start: on SQLite every earlier process; on PostgreSQL
    /// those whose heartbeat stopped) and queues them here. A running one that its handler can resume runs again from its
    /// checkpoint; one that cannot is failed with the reason. Each take-over is one conditional UPDATE on the row as it
    /// was read, so two live processes never both take a task.
    /// </summary>
    public async Task<int> TakeOverAsync(CancellationToken ct)
    {
        var live = await heartbeat.LiveNodesAsync(ct);
        await using var scope = scopes.CreateAsyncScope();
        var handlers = scope.ServiceProvider.GetServices<ITaskHandler>().ToDictionary(h => h.Type);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var unfinished = (await db.Set<PortalTask>().AsNoTracking()
            .Where(t => t.State == PortalTaskState.Running || t.State == PortalTaskState.Queued)
            .OrderBy(t => t.Id).ToListAsync(ct))
            .Where(t => t.Node is null || !live.Contains(t.Node)).ToList();
        var me = node.Id;
        var taken = 0;
        foreach (var t in unfinished)
        {
            var (id, state, owner) = (t.Id, t.State, t.Node);
            var row = db.Set<PortalTask>().Where(x => x.Id == id && x.State == state && x.Node == owner);
            var resume = state == PortalTaskState.Queued || (handlers.TryGetValue(t.Type, out var h) && h.Resumable);
            var now = clock.GetUtcNow().UtcDateTime;
            var error = await PortalCultures.RunInAsync(t.Culture, () => Task.FromResult(
                L["The portal stopped while this task was running (at {0:P0}). It cannot continue where it stopped; start it again.", t.Progress].Value));
            var changed = resume
                ? await row.ExecuteUpdateAsync(u => u.SetProperty(x => x.State, PortalTaskState.Queued).SetProperty(x => x.Node, me), ct)
                : await row.ExecuteUpdateAsync(u => u.SetProperty(x => x.State, PortalTaskState.Failed).SetProperty(x => x.Node, me)
                    .SetProperty(x => x.FinishedAt, now).SetProperty(x => x.Error, error), ct);
            if (changed == 0) continue; // another live process was quicker
            taken++;
            if (state == PortalTaskState.Running && resume) logger.LogInformation("Resuming task {Id} ({Type}), interrupted on {Node}", id, t.Type, owner ?? "an earlier start");
            else if (state == PortalTaskState.Running) logger.LogWarning("Task {Id} ({Type}) failed: interrupted on {Node}", id, t.Type, owner ?? "an earlier start");
            else if (owner is not null && owner != me) logger.LogInformation("Taking over queued task {Id} ({Type}) from {Node}", id, t.Type, owner);
            if (await db.Set<PortalTask>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) is { } updated) Publish(updated);
            if (resume) await ScheduleAsync(id, ct);
        }
        return taken;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        cancelRequests?.Dispose();
        await stopping.CancelAsync();
    }

    private async Task ScheduleAsync(long id, CancellationToken ct)
        => await jobs.RunOnceAsync<PortalTaskJob>($"task-{id}", new Dictionary<string, object?> { [PortalTaskJob.TaskIdKey] = id }, BackgroundJobs.TaskGroup, ct);

    /// <summary>Ends a Running task; conditional, so it never overwrites a state another path already set.</summary>
    private async Task FinishAsync(long id, PortalTaskState state, string? result, string? error)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var now = clock.GetUtcNow().UtcDateTime;
        var row = db.Set<PortalTask>().Where(t => t.Id == id && t.State == PortalTaskState.Running);
        var changed = state == PortalTaskState.Succeeded
            ? await row.ExecuteUpdateAsync(s => s.SetProperty(t => t.State, state).SetProperty(t => t.Result, result)
                .SetProperty(t => t.Error, error).SetProperty(t => t.Progress, 1).SetProperty(t => t.FinishedAt, now))
            : await row.ExecuteUpdateAsync(s => s.SetProperty(t => t.State, state).SetProperty(t => t.Result, result)
                .SetProperty(t => t.Error, error).SetProperty(t => t.FinishedAt, now));
        if (changed == 1) await PublishAsync(id);
    }

    private async Task PublishAsync(long id)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var task = await db.Set<PortalTask>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == id);
        if (task is not null) Publish(task);
    }

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

/// <summary>Looks for tasks of dead portal processes every <see cref="ClusterOptions.TakeOverSeconds"/>.</summary>
[DisallowConcurrentExecution]
public sealed class TaskTakeOverJob(TaskQueue queue, ILogger<TaskTakeOverJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        try { await queue.TakeOverAsync(ct); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception ex) { logger.LogWarning(ex, "Looking for tasks of stopped portal processes failed"); }
    }
}

/// <summary>The Quartz job that runs one portal task.</summary>
public sealed class PortalTaskJob(TaskQueue queue) : IJob
{
    public const string TaskIdKey = "taskId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
        => await queue.RunAsync(context.MergedJobDataMap.GetLong(TaskIdKey), ct);
}
