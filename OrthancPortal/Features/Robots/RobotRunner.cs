using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.QueryRetrieve;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Live;
using OrthancPortal.Infrastructure.Scheduling;
using Quartz;

namespace OrthancPortal.Features.Robots;

/// <summary>
/// Runs approved robots. Quartz wakes it every few seconds (and every finished item wakes it at once); it then
/// starts due items of active robots inside their window, up to each robot's concurrency. Item state lives in
/// the database and is written before each step: an item is marked retrieving before its move starts, the
/// Orthanc job id is stored as soon as Orthanc returns it, and after a restart a retrieving item follows that
/// job (or the one Orthanc holds for its UID) instead of moving the study a second time.
/// </summary>
public sealed class RobotRunner(
    IDbContextFactory<PortalDbContext> dbFactory,
    IServiceScopeFactory scopes,
    BackgroundJobs jobs,
    LiveNotifier notifier,
    TimeProvider clock,
    IOptions<RobotOptions> options,
    ILogger<RobotRunner> logger) : IHostedService
{
    private sealed record Worker(long RobotId, CancellationTokenSource Stop, Task Run);

    private readonly ConcurrentDictionary<long, Worker> workers = new();
    private readonly SemaphoreSlim dispatching = new(1, 1);
    private readonly CancellationTokenSource shutdown = new();
    private RobotOptions Options => options.Value;

    public Task StartAsync(CancellationToken ct)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                await jobs.ScheduleRecurringAsync<RobotDispatchJob>("robot-dispatch", TimeSpan.FromSeconds(Options.TickSeconds), shutdown.Token);
                await using var db = await dbFactory.CreateDbContextAsync(shutdown.Token);
                // Validation that a stop interrupted starts again; it only re-asks the remote.
                foreach (var id in await db.Set<Robot>().Where(r => r.Status == RobotStatus.Validating).Select(r => r.Id).ToListAsync(shutdown.Token))
                {
                    await ValidateLaterAsync(id);
                }
                Kick();
            }
            catch (OperationCanceledException) { }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        // Workers see the shutdown token and leave their items as they are (retrieving, with the job id) for the next start.
        await shutdown.CancelAsync();
        await Task.WhenAny(Task.WhenAll(workers.Values.Select(w => w.Run)), Task.Delay(TimeSpan.FromSeconds(5), ct));
    }

    public Task ValidateLaterAsync(long robotId)
        => jobs.RunOnceAsync<RobotValidationJob>($"robot-validate-{robotId}", new Dictionary<string, object?> { ["robotId"] = robotId });

    /// <summary>Wakes the dispatcher without waiting for it.</summary>
    public void Kick()
    {
        if (shutdown.IsCancellationRequested) return;
        _ = Task.Run(async () =>
        {
            try { await DispatchAsync(shutdown.Token); }
            catch (OperationCanceledException) { }
            catch (Exception ex) { logger.LogError(ex, "Robot dispatch failed"); }
        });
    }

    /// <summary>Starts due items of active robots whose window is open.</summary>
    public async Task DispatchAsync(CancellationToken ct)
    {
        // Quartz does not cancel its running jobs at shutdown: stop on our own token too, before the database goes away.
        if (shutdown.IsCancellationRequested) return;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, shutdown.Token);
        ct = linked.Token;
        if (!await dispatching.WaitAsync(0, ct)) { _ = RedispatchSoonAsync(); return; }
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var now = clock.GetUtcNow().UtcDateTime;
            var robots = await db.Set<Robot>().Where(r => r.Status == RobotStatus.Active).ToListAsync(ct);
            foreach (var robot in robots)
            {
                var open = await db.Set<RobotItem>().Where(i => i.RobotId == robot.Id && (i.State == ItemState.Pending || i.State == ItemState.Retrieving))
                    .OrderBy(i => i.Line).ThenBy(i => i.Id).ToListAsync(ct);
                if (open.Count == 0)
                {
                    robot.Status = RobotStatus.Completed;
                    robot.FinishedAt = now;
                    await db.SaveChangesAsync(ct);
                    notifier.Publish(new RobotChanged(robot.Id, robot.OwnerId));
                    continue;
                }
                // Items left retrieving by a previous run: follow their move before anything new starts.
                foreach (var orphan in open.Where(i => i.State == ItemState.Retrieving && !workers.ContainsKey(i.Id)))
                {
                    StartWorker(robot, orphan.Id, resume: true);
                }
                if (!robot.Window.IsOpen(clock.GetUtcNow(), clock.LocalTimeZone)) continue;
                var running = workers.Values.Count(w => w.RobotId == robot.Id);
                var due = open.Where(i => i.State == ItemState.Pending && (i.NextAttemptAt is null || i.NextAttemptAt <= now) && !workers.ContainsKey(i.Id))
                    .Take(Math.Max(0, robot.Concurrency - running)).ToList();
                foreach (var item in due)
                {
                    item.State = ItemState.Retrieving;
                    item.Attempts++;
                    item.JobId = null;
                    item.UpdatedAt = now;
                }
                await db.SaveChangesAsync(ct);
                foreach (var item in due) StartWorker(robot, item.Id, resume: false);
                if (due.Count > 0) notifier.Publish(new RobotChanged(robot.Id, robot.OwnerId));
            }
        }
        finally
        {
            dispatching.Release();
        }
    }

    /// <summary>A kick that arrived while dispatching must not be lost, or a freed slot would wait for the next tick.</summary>
    private async Task RedispatchSoonAsync()
    {
        await Task.Delay(50);
        Kick();
    }

    private void StartWorker(Robot robot, long itemId, bool resume)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown.Token);
        var run = new TaskCompletionSource();
        if (!workers.TryAdd(itemId, new Worker(robot.Id, stop, run.Task))) { stop.Dispose(); return; }
        _ = Task.Run(async () =>
        {
            try { await RetrieveItemAsync(robot.Id, robot.OwnerId, itemId, resume, stop.Token); }
            catch (Exception ex) when (ex is not OperationCanceledException) { logger.LogError(ex, "Robot item {Item} crashed", itemId); }
            catch (OperationCanceledException) { }
            finally
            {
                workers.TryRemove(itemId, out _);
                stop.Dispose();
                run.SetResult();
                Kick();
            }
        });
    }

    private async Task RetrieveItemAsync(long robotId, string? ownerId, long itemId, bool resume, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var qr = scope.ServiceProvider.GetRequiredService<QueryRetrieveService>();
        var item = await LoadItemAsync(itemId, ct);
        // Another worker may have finished it between the dispatcher's read and now.
        if (item is null || item.State != ItemState.Retrieving) return;
        try
        {
            var jobId = item.JobId;
            if (resume && jobId is not null && await qr.GetJobAsync(jobId, ct) is null) jobId = null;
            if (resume && jobId is null) jobId = await FindRunningMoveAsync(scope, item.StudyInstanceUid, item.SeriesInstanceUid, ct);
            if (jobId is null)
            {
                jobId = await qr.StartRetrieveAsync(item.Modality, item.StudyInstanceUid, NullIfEmpty(item.SeriesInstanceUid), ct);
                await UpdateItemAsync(itemId, i => i.JobId = jobId, ct);
            }
            var local = await qr.FollowRetrieveAsync(jobId, item.StudyInstanceUid, null, ct);
            await UpdateItemAsync(itemId, i =>
            {
                i.State = ItemState.Retrieved;
                i.LocalStudyId = local;
                i.FailureReason = null;
                i.NextAttemptAt = null;
            }, CancellationToken.None);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is RetrieveException or OrthancException or TimeoutException)
        {
            var attempts = item.Attempts;
            var final = attempts >= Options.MaxAttempts;
            logger.LogWarning("Robot {Robot} item {Item} attempt {Attempt} failed: {Reason}", robotId, itemId, attempts, ex.Message);
            await UpdateItemAsync(itemId, i =>
            {
                i.State = final ? ItemState.Failed : ItemState.Pending;
                i.FailureReason = final ? $"{ex.Message} (after {attempts} attempts)" : $"attempt {attempts} failed, retrying: {ex.Message}";
                i.NextAttemptAt = final ? null : clock.GetUtcNow().UtcDateTime.AddSeconds(Options.RetryBackoffSeconds * Math.Pow(2, attempts - 1));
                i.JobId = null;
            }, CancellationToken.None);
        }
        notifier.Publish(new RobotChanged(robotId, ownerId));
    }

    /// <summary>
    /// The portal may have stopped after Orthanc accepted a move but before its job id was saved. Orthanc keeps
    /// its jobs, so look there for a move of this UID before starting another one.
    /// </summary>
    private static async Task<string?> FindRunningMoveAsync(AsyncServiceScope scope, string studyUid, string seriesUid, CancellationToken ct)
    {
        var orthanc = scope.ServiceProvider.GetRequiredService<OrthancClient>();
        var jobs = await orthanc.GetJobsAsync(ct);
        return jobs.Where(j => j.Type == "DicomMoveScu" && j.State is not ("Failure")
                && j.Content?.ToJsonString() is { } content && content.Contains(studyUid, StringComparison.Ordinal)
                && (seriesUid == "" || content.Contains(seriesUid, StringComparison.Ordinal)))
            .OrderByDescending(j => j.CreationTime, StringComparer.Ordinal)
            .Select(j => j.ID).FirstOrDefault();
    }

    /// <summary>Cancels a robot's running moves (cancel or delete) and puts their items back to pending.</summary>
    public async Task StopRobotAsync(long robotId)
    {
        var mine = workers.Where(w => w.Value.RobotId == robotId).ToList();
        foreach (var (_, w) in mine) await w.Stop.CancelAsync();
        await Task.WhenAll(mine.Select(w => w.Value.Run));
        await using var scope = scopes.CreateAsyncScope();
        var qr = scope.ServiceProvider.GetRequiredService<QueryRetrieveService>();
        await using var db = await dbFactory.CreateDbContextAsync();
        foreach (var item in await db.Set<RobotItem>().Where(i => i.RobotId == robotId && i.State == ItemState.Retrieving).ToListAsync())
        {
            if (item.JobId is not null) await qr.CancelJobQuietlyAsync(item.JobId);
            item.State = ItemState.Pending;
            item.JobId = null;
            item.FailureReason = "the robot was stopped during this retrieve";
        }
        await db.SaveChangesAsync();
    }

    /// <summary>Validates every unchecked or invalid item of a robot, then hands the robot to the admins.</summary>
    public async Task ValidateRobotAsync(long robotId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = await db.Set<RobotItem>().Where(i => i.RobotId == robotId && i.Validation != ItemValidation.Valid).OrderBy(i => i.Line).Select(i => i.Id).ToListAsync(ct);
        foreach (var id in ids) await ValidateItemAsync(id, ct);
        var robot = await db.Set<Robot>().FirstOrDefaultAsync(r => r.Id == robotId, ct);
        if (robot is null || robot.Status != RobotStatus.Validating) return;
        robot.Status = RobotStatus.AwaitingApproval;
        await db.SaveChangesAsync(ct);
        notifier.Publish(new RobotChanged(robot.Id, robot.OwnerId));
    }

    /// <summary>
    /// An item is valid only when the remote gives exactly one answer: by UID when it has one, else by the row's
    /// criteria (and then the found UID is kept, so the robot retrieves exactly what was validated).
    /// </summary>
    public async Task ValidateItemAsync(long itemId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var qr = scope.ServiceProvider.GetRequiredService<QueryRetrieveService>();
        var item = await LoadItemAsync(itemId, ct);
        if (item is null) return;
        ItemValidation result;
        string message;
        string? found = null, studyUid = null;
        try
        {
            if (item.StudyInstanceUid != "")
            {
                var answers = await qr.FindByUidAsync(item.Modality, item.StudyInstanceUid, NullIfEmpty(item.SeriesInstanceUid), ct);
                (result, message) = Judge(answers.Count, "UID");
                if (answers.Count == 1) found = Describe(answers[0]);
            }
            else
            {
                var criteria = new QueryCriteria
                {
                    PatientName = item.PatientName, PatientId = item.PatientId, AccessionNumber = item.AccessionNumber, StudyDescription = item.StudyDescription,
                    Modalities = item.Modalities, DateFrom = item.DateFrom, DateTo = item.DateTo,
                };
                var answers = await qr.FindStudiesAsync(item.Modality, criteria, int.MaxValue, ct);
                (result, message) = Judge(answers.Total, "criteria");
                if (answers.Total == 1)
                {
                    studyUid = answers.Answers[0].StudyInstanceUid;
                    found = $"{answers.Answers[0].PatientName} · {answers.Answers[0].StudyDate} · {answers.Answers[0].StudyDescription}";
                }
                else if (answers.Total > 1)
                {
                    message += ": " + string.Join("; ", answers.Answers.Take(5).Select(a => $"{a.StudyDate} {a.StudyDescription} ({a.StudyInstanceUid})"));
                }
            }
        }
        catch (Exception ex) when (ex is RetrieveException or OrthancException or FluentValidation.ValidationException)
        {
            (result, message) = (ItemValidation.Invalid, $"the query failed: {ex.Message}");
        }
        await UpdateItemAsync(itemId, i =>
        {
            i.Validation = result;
            i.ValidationMessage = message;
            i.Found = found;
            if (studyUid is not null) i.StudyInstanceUid = studyUid;
        }, ct);
    }

    private static (ItemValidation, string) Judge(int answers, string by) => answers switch
    {
        1 => (ItemValidation.Valid, $"exactly one study matches the {by}"),
        0 => (ItemValidation.Invalid, $"no study matches the {by}"),
        _ => (ItemValidation.Invalid, $"{answers} studies match the {by}; enter the Study Instance UID or drop the row"),
    };

    private static string Describe(IReadOnlyDictionary<string, string> a)
        => $"{a.GetValueOrDefault("PatientName")} · {a.GetValueOrDefault("StudyDate")} · {a.GetValueOrDefault("StudyDescription")}";

    private async Task<RobotItem?> LoadItemAsync(long itemId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<RobotItem>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == itemId, ct);
    }

    /// <summary>Changes an item if it still exists; a robot deleted meanwhile simply has nothing left to update.</summary>
    private async Task UpdateItemAsync(long itemId, Action<RobotItem> change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var item = await db.Set<RobotItem>().FirstOrDefaultAsync(i => i.Id == itemId, ct);
        if (item is null) return;
        change(item);
        item.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
    }

    private static string? NullIfEmpty(string value) => value == "" ? null : value;
}

/// <summary>Quartz's periodic wake-up of the runner.</summary>
[DisallowConcurrentExecution]
public sealed class RobotDispatchJob(RobotRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        try { await runner.DispatchAsync(ct); }
        catch (OperationCanceledException) { }
    }
}

/// <summary>Validates a new robot in the background (one C-FIND per item).</summary>
public sealed class RobotValidationJob(RobotRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
        => await runner.ValidateRobotAsync(context.MergedJobDataMap.GetLong("robotId"), ct);
}
