using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Admin;

/// <summary>Pause, resume, cancel and resubmit Orthanc jobs; each attempt is audited, failures included.</summary>
public sealed class OrthancJobService(OrthancClient orthanc, OrthancJobMonitor monitor, AuditLog audit)
{
    public static readonly IReadOnlyList<string> Actions = ["pause", "resume", "cancel", "resubmit"];

    /// <summary>Which actions make sense in a job's state (Orthanc refuses the others).</summary>
    public static IReadOnlyList<string> ActionsFor(string state) => state switch
    {
        "Pending" or "Running" or "Retry" => ["pause", "cancel"],
        "Paused" => ["resume", "cancel"],
        "Failure" => ["resubmit"],
        _ => [],
    };

    public async Task<string?> ActAsync(string jobId, string action, CancellationToken ct = default)
    {
        if (!Actions.Contains(action)) return $"Unknown action '{action}'.";
        string? error = null;
        string type = "?";
        try
        {
            var job = await orthanc.GetJobAsync(jobId, ct);
            type = job.Type;
            await orthanc.JobActionAsync(jobId, action, ct);
        }
        catch (OrthancException ex)
        {
            error = ex.Message;
        }
        await audit.WriteAsync($"orthanc.job.{action}", $"orthanc-job:{jobId}", error is null ? type : $"{type}: {error}", error is null, ct);
        monitor.RefreshSoon();
        return error;
    }
}
