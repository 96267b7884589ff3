using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.QueryRetrieve;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Live;
using OrthancPortal.Infrastructure.Scheduling;
using Quartz;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Robots;

/// <summary>Why the runner could not do its work, and since when; shown on the robots page until a pass succeeds.</summary>
public sealed record RobotRunnerProblem(string Message, DateTime SinceUtc);

/// <summary>
/// Runs approved robots. Quartz wakes it every few seconds (and every finished item wakes it at once); it then
/// starts due items of active robots inside their window, up to each robot's concurrency, each as a Quartz job
/// of its own (<see cref="RobotItemJob"/>, in the <see cref="BackgroundJobs.RobotGroup"/> execution group). Item state lives in the
/// database and is written before each step: an item is marked retrieving (its attempt counted) before its move
/// starts, the Orthanc job id is stored as soon as Orthanc returns it, and after a restart a retrieving item
/// follows that job (or the one Orthanc holds for its UID) instead of moving the study a second time. Whatever
/// goes wrong in an item, expected or not, counts as a failed attempt: the item is retried with backoff up to
/// <see cref="RobotOptions.MaxAttempts"/>, then fails with the reason; the runner goes on.
/// Several portals on one database dispatch one at a time: only the holder of the <see cref="LeaseName"/> lease starts
/// items, and an item another node left retrieving (it died) is an orphan to the next holder, which follows its move.
/// </summary>
public sealed class RobotRunner(
    IDbContextFactory<PortalDbContext> dbFactory,
    IServiceScopeFactory scopes,
    BackgroundJobs jobs,
    LeaseStore leases,
    LiveNotifier notifier,
    TimeProvider clock,
    IOptions<RobotOptions> options,
    ILogger<RobotRunner> logger) : IHostedService
{
    // Robots and rules run without a request: under the site's language (PortalCultures.SiteDefault), or the language
    // of the user whose action this is (stopping a robot).
    private static readonly IStringLocalizer<RobotRunner> L = PortalText.For<RobotRunner>();

    public const string LeaseName = "robot-dispatch";

    /// <summary>
    /// A retrieve that is scheduled or running; its slot counts against the robot's concurrency until its move has
    /// ended (<see cref="Moved"/>). Its item's bookkeeping after that (finding the local study, writing the outcome)
    /// runs beside the next item's start: the remote then serves one move at a time, and the next one starts sooner.
    /// The worker stays listed until it ends, so its item, still retrieving in the database, is never taken for an orphan.
    /// </summary>
    private sealed class Worker(long robotId)
    {
        private const int Scheduled = 0, Running = 1, Withdrawn = 2;
        private int state;
        private volatile bool moved;
        public long RobotId { get; } = robotId;
        /// <summary>Its move has ended: the slot is free for the robot's next item.</summary>
        public bool Moved => moved;
        public void MarkMoved() => moved = true;
        public CancellationTokenSource Stop { get; } = new();
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>The job takes its slot; false when the slot was withdrawn before the job got a thread.</summary>
        public bool TryRun() => Interlocked.CompareExchange(ref state, Running, Scheduled) == Scheduled;
        /// <summary>Takes back a slot whose job has not started; false when it runs already.</summary>
        public bool TryWithdraw() => Interlocked.CompareExchange(ref state, Withdrawn, Scheduled) == Scheduled;
    }

    private readonly ConcurrentDictionary<long, Worker> workers = new();
    private readonly SemaphoreSlim dispatching = new(1, 1);
    /// <summary>1 while a pass was asked for that has not begun (see <see cref="DispatchAsync"/>).</summary>
    private int passRequested;
    private readonly CancellationTokenSource shutdown = new();
    private volatile bool recovered;
    private RobotOptions Options => options.Value;

    /// <summary>The last failure of a dispatch pass (start-up included), or null while passes succeed.</summary>
    public RobotRunnerProblem? Problem { get; private set; }

    public async Task StartAsync(CancellationToken ct)
    {
        // The recurring dispatch is the runner's heartbeat; its first pass also recovers interrupted validations.
        // Failing to schedule it means no robot would ever run: that must stop the start, loudly.
        await jobs.ScheduleRecurringAsync<RobotDispatchJob>("robot-dispatch", TimeSpan.FromSeconds(Options.TickSeconds), ct, startNow: true);
    }

    public async Task StopAsync(CancellationToken ct)
    {
        // Workers see the shutdown token and leave their items as they are (retrieving, with the job id) for the next start.
        await shutdown.CancelAsync();
        leaseRenewedAt = null;
        await Task.WhenAny(Task.WhenAll(workers.Values.Select(w => w.Done.Task)), Task.Delay(TimeSpan.FromSeconds(5), ct));
        // A clean stop hands dispatching to another portal at once instead of after the lease's expiry.
        try { await leases.ReleaseAsync(LeaseName, ct); }
        catch (Exception ex) { logger.LogDebug(ex, "Could not release {Lease}", LeaseName); }
    }

    /// <summary>Three ticks (at least 30 s): another portal takes over within this time of the holder's death.</summary>
    private TimeSpan LeaseTime => TimeSpan.FromSeconds(Math.Max(30, Options.TickSeconds * 3));

    /// <summary>When this portal last took or renewed the lease (only read and written inside a dispatch pass).</summary>
    private DateTimeOffset? leaseRenewedAt;

    /// <summary>
    /// Takes or renews the lease, but not on every pass: a pass runs after every finished item, and a lease renewed
    /// less than a third of its time ago is still ours for two thirds of it (nobody takes a lease before it expires),
    /// so that write would only slow the next item down.
    /// </summary>
    private async Task<bool> HoldLeaseAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (leaseRenewedAt is { } renewed && now - renewed < LeaseTime / 3 && now >= renewed) return true;
        leaseRenewedAt = null;
        if (!await leases.TryAcquireAsync(LeaseName, LeaseTime, ct)) return false;
        leaseRenewedAt = now;
        return true;
    }

    public Task ValidateLaterAsync(long robotId)
        => jobs.RunOnceAsync<RobotValidationJob>($"robot-validate-{robotId}", new Dictionary<string, object?> { ["robotId"] = robotId });

    /// <summary>Wakes the dispatcher without waiting for it.</summary>
    public void Kick()
    {
        if (shutdown.IsCancellationRequested) return;
        _ = Task.Run(async () =>
        {
            // The pass is no part of the item that kicked it (and must not chain every later item's span to it).
            Activity.Current = null;
            try { await DispatchAsync(shutdown.Token); }
            catch (OperationCanceledException) { }
            catch (Exception ex) { ReportProblem(ex); }
        });
    }

    /// <summary>One pass of the dispatch job: errors are logged and shown, and the next tick tries again.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        try { await DispatchAsync(ct); }
        catch (OperationCanceledException) { }
        catch (Exception ex) { ReportProblem(ex); }
    }

    private void ReportProblem(Exception ex)
    {
        logger.LogError(ex, "Robot dispatch failed; it is tried again at the next tick");
        Problem = new RobotRunnerProblem($"{ex.GetType().Name}: {ex.Message}", Problem?.SinceUtc ?? clock.GetUtcNow().UtcDateTime);
    }

    /// <summary>Starts due items of active robots whose window is open; at once, or right after the pass that runs.</summary>
    public async Task DispatchAsync(CancellationToken ct)
    {
        // Quartz does not cancel its running jobs at shutdown: stop on our own token too, before the database goes away.
        if (shutdown.IsCancellationRequested) return;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, shutdown.Token);
        ct = linked.Token;
        // A kick while a pass runs must not be lost (a freed slot would wait for the next tick), nor wait: the running
        // pass sees the request when it ends and makes one more. (Set before trying, read after releasing: never both missed.)
        Volatile.Write(ref passRequested, 1);
        while (Volatile.Read(ref passRequested) == 1)
        {
            if (!await dispatching.WaitAsync(0, ct)) return;
            try
            {
                Volatile.Write(ref passRequested, 0);
                await PassAsync(ct);
            }
            finally
            {
                dispatching.Release();
            }
        }
    }

    /// <summary>One pass: starts due items of active robots whose window is open (only the lease holder does).</summary>
    private async Task PassAsync(CancellationToken ct)
    {
        // Another portal dispatches (and follows its own retrieves) while it holds the lease.
        if (!await HoldLeaseAsync(ct)) return;
        if (!recovered)
        {
            await RecoverAsync(ct);
            recovered = true;
        }
        using var activity = RobotActivities.Source.StartActivity(RobotActivities.Dispatch);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var robots = await db.Set<Robot>().Where(r => r.Status == RobotStatus.Active).ToListAsync(ct);
        foreach (var robot in robots)
        {
            // A pass runs after every finished item: it reads the few retrieving items and only as many due
            // ones as there are free slots, never all the pending ones of a robot with thousands of items.
            var items = db.Set<RobotItem>().Where(i => i.RobotId == robot.Id);
            var retrieving = await items.Where(i => i.State == ItemState.Retrieving).ToListAsync(ct);
            // Items left retrieving by a previous run: follow their move before anything new starts. Each such
            // pick-up counts as an attempt, so an item that keeps interrupting its run cannot loop for ever.
            var orphans = retrieving.Where(i => !workers.ContainsKey(i.Id)).ToList();
            foreach (var orphan in orphans)
            {
                // Conditional on the row still retrieving: a worker that finished meanwhile keeps its outcome.
                var tooOften = orphan.Attempts >= Options.MaxAttempts;
                var reason = $"its retrieve was interrupted and resumed too often (after {orphan.Attempts} attempts)";
                var still = db.Set<RobotItem>().Where(i => i.Id == orphan.Id && i.State == ItemState.Retrieving);
                var changed = tooOften
                    ? await still.ExecuteUpdateAsync(u => u.SetProperty(i => i.Attempts, i => i.Attempts + 1).SetProperty(i => i.State, ItemState.Failed)
                        .SetProperty(i => i.FailureReason, reason).SetProperty(i => i.JobId, (string?)null).SetProperty(i => i.UpdatedAt, now), ct)
                    : await still.ExecuteUpdateAsync(u => u.SetProperty(i => i.Attempts, i => i.Attempts + 1).SetProperty(i => i.UpdatedAt, now), ct);
                if (changed == 1 && !tooOften) await StartWorkerAsync(robot, orphan.Id, resume: true);
            }
            var listed = workers.Count(w => w.Value.RobotId == robot.Id);
            var free = Math.Max(0, robot.Concurrency - workers.Count(w => w.Value.RobotId == robot.Id && !w.Value.Moved));
            List<RobotItem> due = [];
            if (free > 0 && robot.Window.IsOpen(clock.GetUtcNow(), clock.LocalTimeZone))
            {
                // A worker's item can be pending for a moment (its failure recorded, its slot not yet freed): read enough to skip those.
                due = (await items.Where(i => i.State == ItemState.Pending && (i.NextAttemptAt == null || i.NextAttemptAt <= now))
                        .OrderBy(i => i.Line).ThenBy(i => i.Id).Take(free + listed).ToListAsync(ct))
                    .Where(i => !workers.ContainsKey(i.Id)).Take(free).ToList();
            }
            if (retrieving.Count == 0 && due.Count == 0)
            {
                if (!await items.AnyAsync(i => i.State == ItemState.Pending, ct))
                {
                    robot.Status = RobotStatus.Completed;
                    robot.FinishedAt = now;
                    await db.SaveChangesAsync(ct);
                    notifier.Publish(new RobotChanged(robot.Id, robot.OwnerId));
                }
                continue;
            }
            foreach (var item in due)
            {
                item.State = ItemState.Retrieving;
                item.Attempts++;
                item.JobId = null;
                item.UpdatedAt = now;
            }
            await db.SaveChangesAsync(ct);
            foreach (var item in due) await StartWorkerAsync(robot, item.Id, resume: false);
            if (due.Count > 0 || orphans.Count > 0) notifier.Publish(new RobotChanged(robot.Id, robot.OwnerId));
        }
        Problem = null;
    }

    /// <summary>Validation that a stop interrupted starts again; it only re-asks the remote.</summary>
    private async Task RecoverAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var id in await db.Set<Robot>().Where(r => r.Status == RobotStatus.Validating).Select(r => r.Id).ToListAsync(ct))
        {
            await ValidateLaterAsync(id);
        }
    }

    /// <summary>Reserves the item's slot and hands the retrieve to Quartz; the slot is freed when the job ends.</summary>
    private async Task StartWorkerAsync(Robot robot, long itemId, bool resume)
    {
        var worker = new Worker(robot.Id);
        if (!workers.TryAdd(itemId, worker)) return;
        try
        {
            await jobs.RunOnceAsync<RobotItemJob>($"robot-item-{itemId}", new Dictionary<string, object?>
            {
                ["robotId"] = robot.Id, ["ownerId"] = robot.OwnerId, ["itemId"] = itemId, ["resume"] = resume,
            }, BackgroundJobs.RobotGroup);
        }
        catch
        {
            Release(itemId, worker);
            throw;
        }
    }

    private void Release(long itemId, Worker worker)
    {
        workers.TryRemove(new KeyValuePair<long, Worker>(itemId, worker));
        worker.Done.TrySetResult();
    }

    /// <summary>The body of <see cref="RobotItemJob"/>: one retrieve, its outcome recorded on the item whatever happens.</summary>
    public async Task RunItemAsync(long robotId, string? ownerId, long itemId, bool resume, CancellationToken ct)
    {
        // A job whose slot is gone (the robot was stopped before the job got a thread) has nothing to do.
        if (!workers.TryGetValue(itemId, out var worker) || !worker.TryRun()) return;
        using var activity = RobotActivities.Source.StartActivity(RobotActivities.Item)?.SetTag(RobotActivities.ItemTag, itemId);
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, shutdown.Token, worker.Stop.Token);
            await RetrieveItemAsync(worker, ownerId, itemId, resume, linked.Token);
        }
        catch (OperationCanceledException) { }
        catch (Exception ex)
        {
            // Recording the failure failed too (the database is away): the item stays retrieving and the next
            // pass picks it up again as an orphan, which counts the attempt.
            logger.LogError(ex, "Robot {Robot} item {Item}: the outcome could not be recorded", robotId, itemId);
        }
        finally
        {
            Release(itemId, worker);
            Kick();
        }
    }

    private async Task RetrieveItemAsync(Worker worker, string? ownerId, long itemId, bool resume, CancellationToken ct)
    {
        var robotId = worker.RobotId;
        await using var scope = scopes.CreateAsyncScope();
        var qr = scope.ServiceProvider.GetRequiredService<QueryRetrieveService>();
        var starting = RobotActivities.Source.StartActivity(RobotActivities.Start);
        var item = await LoadItemAsync(itemId, ct);
        // Another worker may have finished it between the dispatcher's read and now.
        if (item is null || item.State != ItemState.Retrieving)
        {
            starting?.Dispose();
            return;
        }
        try
        {
            string local;
            var jobId = item.JobId;
            using (starting)
            {
                if (resume && jobId is not null && await qr.GetJobAsync(jobId, ct) is null) jobId = null;
                if (resume && jobId is null) jobId = await FindRunningMoveAsync(scope, item.StudyInstanceUid, item.SeriesInstanceUid, ct);
                if (jobId is null)
                {
                    jobId = await qr.StartRetrieveAsync(item.Modality, item.StudyInstanceUid, NullIfEmpty(item.SeriesInstanceUid), ct);
                    await SetItemAsync(itemId, u => u.SetProperty(i => i.JobId, jobId), ct);
                }
                starting?.SetTag(RobotActivities.JobTag, jobId);
            }
            using (var follow = RobotActivities.Source.StartActivity(RobotActivities.Follow))
            {
                local = await qr.FollowRetrieveAsync(jobId, item.StudyInstanceUid, null, ct, moved: () =>
                {
                    follow?.AddEvent(new ActivityEvent(RobotActivities.MoveEnded));
                    worker.MarkMoved();
                    Kick();
                });
            }
            using (RobotActivities.Source.StartActivity(RobotActivities.Record))
            {
                await SetItemAsync(itemId, u => u.SetProperty(i => i.State, ItemState.Retrieved).SetProperty(i => i.LocalStudyId, local)
                    .SetProperty(i => i.FailureReason, (string?)null).SetProperty(i => i.NextAttemptAt, (DateTime?)null), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var expected = ex is RetrieveException or OrthancException or TimeoutException;
            var reason = expected ? ex.Message : L["unexpected error ({0}): {1}", ex.GetType().Name, ex.Message];
            var attempts = (await LoadItemAsync(itemId, CancellationToken.None))?.Attempts ?? item.Attempts;
            var final = attempts >= Options.MaxAttempts;
            if (expected) logger.LogWarning("Robot {Robot} item {Item} attempt {Attempt} failed: {Reason}", robotId, itemId, attempts, reason);
            else logger.LogError(ex, "Robot {Robot} item {Item} attempt {Attempt} failed unexpectedly", robotId, itemId, attempts);
            await UpdateItemAsync(itemId, i =>
            {
                i.State = final ? ItemState.Failed : ItemState.Pending;
                i.FailureReason = final ? L["{0} (after {1} attempts)", reason, attempts] : L["attempt {0} failed, retrying: {1}", attempts, reason];
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
        foreach (var (itemId, w) in mine)
        {
            if (w.TryWithdraw()) Release(itemId, w);
            else await w.Stop.CancelAsync();
        }
        await Task.WhenAll(mine.Select(w => w.Value.Done.Task));
        await using var scope = scopes.CreateAsyncScope();
        var qr = scope.ServiceProvider.GetRequiredService<QueryRetrieveService>();
        await using var db = await dbFactory.CreateDbContextAsync();
        foreach (var item in await db.Set<RobotItem>().Where(i => i.RobotId == robotId && i.State == ItemState.Retrieving).ToListAsync())
        {
            if (item.JobId is not null) await qr.CancelJobQuietlyAsync(item.JobId);
            item.State = ItemState.Pending;
            item.JobId = null;
            item.FailureReason = L["the robot was stopped during this retrieve"];
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
            (result, message) = (ItemValidation.Invalid, L["the query failed: {0}", ex.Message]);
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
        1 => (ItemValidation.Valid, by == "UID" ? L["exactly one study matches the UID"] : L["exactly one study matches the criteria"]),
        0 => (ItemValidation.Invalid, by == "UID" ? L["no study matches the UID"] : L["no study matches the criteria"]),
        _ => (ItemValidation.Invalid, by == "UID" ? L["{0} studies match the UID; enter the Study Instance UID or drop the row", answers] : L["{0} studies match the criteria; enter the Study Instance UID or drop the row", answers]),
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

    /// <summary>
    /// <see cref="UpdateItemAsync"/> as one UPDATE statement (no read first), for the writes on every item's way:
    /// the job id and the success.
    /// </summary>
    private async Task SetItemAsync(long itemId, Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<RobotItem>> change, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Set<RobotItem>().Where(i => i.Id == itemId).ExecuteUpdateAsync(u =>
        {
            change(u);
            u.SetProperty(i => i.UpdatedAt, now);
        }, ct);
    }

    private static string? NullIfEmpty(string value) => value == "" ? null : value;
}

/// <summary>Quartz's periodic wake-up of the runner.</summary>
[DisallowConcurrentExecution]
public sealed class RobotDispatchJob(RobotRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await runner.TickAsync(ct);
}

/// <summary>One robot item's retrieve, run by Quartz in the runner's execution group.</summary>
public sealed class RobotItemJob(RobotRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var data = context.MergedJobDataMap;
        await runner.RunItemAsync(data.GetLong("robotId"), data.GetString("ownerId"), data.GetLong("itemId"), data.GetBoolean("resume"), ct);
    }
}

/// <summary>Validates a new robot in the background (one C-FIND per item).</summary>
public sealed class RobotValidationJob(RobotRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
        => await runner.ValidateRobotAsync(context.MergedJobDataMap.GetLong("robotId"), ct);
}
