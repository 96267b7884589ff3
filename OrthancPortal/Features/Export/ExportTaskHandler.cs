using Microsoft.Extensions.Localization;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Tasks;

namespace OrthancPortal.Features.Export;

public sealed record ExportPayload(IReadOnlyList<string> OrthancIds, ExportTarget Target, string? ArchiveName);

/// <summary>One export (to one target) as a task: progress in bytes or job percent, retry, the failure reason as it is.</summary>
public sealed class ExportTaskHandler(ExportService exporter, OrthancClient orthanc, IStringLocalizer<ExportTaskHandler> L) : ITaskHandler
{
    public const string TaskType = "export";
    public string Type => TaskType;
    // A retry runs again; the archive upload resumes where the destination allows.
    public bool Resumable => true;

    public async Task<string?> RunAsync(TaskRun run, CancellationToken ct)
    {
        var payload = run.Payload<ExportPayload>();
        // A study deleted while it waited in the basket is skipped with a reason, not a crash.
        var present = new List<string>();
        var missing = new List<string>();
        foreach (var id in payload.OrthancIds)
        {
            if (await ExistsAsync(id, ct)) present.Add(id); else missing.Add(id);
        }
        if (present.Count == 0) throw new TaskFailedException(L["Nothing to send: every resource was deleted from Orthanc after it was put in the basket."]);
        await exporter.SendAsync(present, payload.Target, run.Owner, (f, text) => run.Progress.ReportAsync(f, text), ct,
            payload.ArchiveName ?? $"export-{run.TaskId}", new ArchiveResume($"task-{run.TaskId}", run.Checkpoint<ArchiveCheckpoint>(), run.SaveCheckpointAsync));
        return missing.Count == 0 ? L["{0} sent", present.Count] : L["{0} sent; {1} skipped because Orthanc no longer has them: {2}", present.Count, missing.Count, string.Join(", ", missing)];
    }

    private async Task<bool> ExistsAsync(string id, CancellationToken ct)
    {
        var lookups = new[] { ResourceLevel.Study, ResourceLevel.Patient, ResourceLevel.Series, ResourceLevel.Instance };
        foreach (var level in lookups)
        {
            using var response = await orthanc.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{level.Path()}/{OrthancClient.Id(id)}"), ct, throwOnError: false);
            if (response.IsSuccessStatusCode) return true;
        }
        return false;
    }
}
