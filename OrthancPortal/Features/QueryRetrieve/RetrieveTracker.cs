using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.QueryRetrieve;

public enum RetrieveState { Running, Done, Failed }

/// <summary>One interactive retrieve as the query page shows it (a portal task of type <see cref="RetrieveTaskHandler.TaskType"/>).</summary>
public sealed record RetrieveStatus(long TaskId, string Title, string StudyUid, RetrieveState State, double Progress, string? LocalStudyId, string? Error);

/// <summary>
/// Retrieves started from the query page are portal tasks: persisted and run by the task queue, so they go on when the
/// user navigates away, show under "My tasks", and after a restart follow the Orthanc job they started instead of moving
/// the study a second time. The page lists the owner's most recent ones and follows them through <see cref="TaskChanged"/>.
/// </summary>
public sealed class RetrieveTracker(TaskQueue tasks, IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>How many of a user's retrieves the page lists (older ones stay under "My tasks").</summary>
    public const int Shown = 20;

    public Task<long> StartAsync(Actor actor, string modality, string title, string studyUid, string? seriesUid, CancellationToken ct = default)
        => tasks.EnqueueAsync(RetrieveTaskHandler.TaskType, new RetrievePayload(modality, studyUid, seriesUid), title, actor, ct);

    public async Task<IReadOnlyList<RetrieveStatus>> ForOwnerAsync(string ownerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Set<PortalTask>().AsNoTracking()
            .Where(t => t.Type == RetrieveTaskHandler.TaskType && t.OwnerId == ownerId)
            .OrderByDescending(t => t.Id).Take(Shown).ToListAsync(ct);
        return rows.Select(t => new RetrieveStatus(t.Id, t.Title, PayloadOf(t).StudyUid, StateOf(t.State), t.Progress,
            t.State == PortalTaskState.Succeeded ? t.Result : null, t.Error)).ToList();
    }

    private static RetrievePayload PayloadOf(PortalTask t) => System.Text.Json.JsonSerializer.Deserialize<RetrievePayload>(t.Payload)!;

    private static RetrieveState StateOf(PortalTaskState state) => state switch
    {
        PortalTaskState.Succeeded => RetrieveState.Done,
        PortalTaskState.Failed or PortalTaskState.Cancelled => RetrieveState.Failed,
        _ => RetrieveState.Running,
    };
}

public sealed record RetrievePayload(string Modality, string StudyUid, string? SeriesUid);

/// <summary>C-MOVE of one study or series from a remote modality; the result is the local Orthanc study id.</summary>
public sealed class RetrieveTaskHandler(QueryRetrieveService qr, AuditLog audit) : ITaskHandler
{
    public const string TaskType = "qr.retrieve";

    public string Type => TaskType;

    public bool Resumable => true;

    public async Task<string?> RunAsync(TaskRun run, CancellationToken ct)
    {
        var p = run.Payload<RetrievePayload>();
        var what = $"from {p.Modality}{(p.SeriesUid is null ? "" : $", series {p.SeriesUid}")}";
        try
        {
            // The Orthanc job of an earlier run (a restart cut it short) is followed, not started again.
            var job = run.Checkpoint<string>();
            if (job is null)
            {
                job = await qr.StartRetrieveAsync(p.Modality, p.StudyUid, p.SeriesUid, ct);
                await run.SaveCheckpointAsync(job);
            }
            var local = await qr.FollowRetrieveAsync(job, p.StudyUid, f => run.Progress.ReportAsync(f), ct);
            await audit.WriteAsync(run.Owner, "qr.retrieve", $"study:{p.StudyUid}", what, ct: CancellationToken.None);
            return local;
        }
        catch (Exception ex) when (ex is RetrieveException or Orthanc.OrthancException)
        {
            await audit.WriteAsync(run.Owner, "qr.retrieve", $"study:{p.StudyUid}", $"{what}: {ex.Message}", success: false, ct: CancellationToken.None);
            throw new TaskFailedException(ex.Message);
        }
    }
}
