using System.Collections.Concurrent;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Live;

namespace OrthancPortal.Features.QueryRetrieve;

public enum RetrieveState { Running, Done, Failed }

/// <summary>One interactive retrieve as the query page shows it.</summary>
public sealed record RetrieveStatus(Guid Id, string OwnerId, string Title, string StudyUid, string? SeriesUid, RetrieveState State, double Progress, string? LocalStudyId, string? Error);

/// <summary>Published on every change of an interactive retrieve; pages filter by owner.</summary>
public sealed record RetrieveChanged(RetrieveStatus Status);

/// <summary>
/// Runs retrieves started from the query page in the background, so they continue when the user navigates
/// away, and pushes their progress through <see cref="LiveNotifier"/>.
/// </summary>
public sealed class RetrieveTracker(IServiceScopeFactory scopes, LiveNotifier notifier, IHostApplicationLifetime lifetime, ILogger<RetrieveTracker> logger)
{
    private readonly ConcurrentDictionary<Guid, RetrieveStatus> retrieves = new();

    public IReadOnlyList<RetrieveStatus> ForOwner(string ownerId) => retrieves.Values.Where(r => r.OwnerId == ownerId).OrderBy(r => r.Title).ToList();

    public RetrieveStatus Start(Actor actor, string modality, string title, string studyUid, string? seriesUid)
    {
        var status = new RetrieveStatus(Guid.NewGuid(), actor.UserId ?? "", title, studyUid, seriesUid, RetrieveState.Running, 0, null, null);
        Update(status);
        _ = RunAsync(actor, modality, status);
        return status;
    }

    private async Task RunAsync(Actor actor, string modality, RetrieveStatus status)
    {
        var ct = lifetime.ApplicationStopping;
        await using var scope = scopes.CreateAsyncScope();
        var qr = scope.ServiceProvider.GetRequiredService<QueryRetrieveService>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        try
        {
            var job = await qr.StartRetrieveAsync(modality, status.StudyUid, status.SeriesUid, ct);
            var local = await qr.FollowRetrieveAsync(job, status.StudyUid, p =>
            {
                Update(status = status with { Progress = p });
                return Task.CompletedTask;
            }, ct);
            Update(status with { State = RetrieveState.Done, Progress = 1, LocalStudyId = local });
            await audit.WriteAsync(actor, "qr.retrieve", $"study:{status.StudyUid}", $"from {modality}{(status.SeriesUid is null ? "" : $", series {status.SeriesUid}")}", ct: CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Background work: whatever went wrong must end as a visible failure, never as a retrieve stuck "running".
            if (ex is not (RetrieveException or Orthanc.OrthancException or OperationCanceledException)) logger.LogError(ex, "Unexpected retrieve failure");
            logger.LogWarning("Retrieve of {Study} from {Modality} failed: {Reason}", status.StudyUid, modality, ex.Message);
            Update(status with { State = RetrieveState.Failed, Error = ex.Message });
            await audit.WriteAsync(actor, "qr.retrieve", $"study:{status.StudyUid}", ex.Message, success: false, ct: CancellationToken.None);
        }
    }

    private void Update(RetrieveStatus status)
    {
        retrieves[status.Id] = status;
        notifier.Publish(new RetrieveChanged(status));
    }
}
