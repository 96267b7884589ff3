using System.Text.Json.Nodes;

namespace OrthancPortal.Features.Orthanc;

/// <summary>Orthanc's jobs: asynchronous modify, anonymize, archive, store, retrieve.</summary>
public sealed partial class OrthancClient
{
    public Task<OrthancJob> GetJobAsync(string id, CancellationToken ct = default) => GetAsync<OrthancJob>($"jobs/{JobId(id)}", ct);

    public Task<IReadOnlyList<OrthancJob>> GetJobsAsync(CancellationToken ct = default) => GetAsync<IReadOnlyList<OrthancJob>>("jobs?expand", ct);

    /// <summary>pause, resume, cancel or resubmit.</summary>
    public Task JobActionAsync(string id, string action, CancellationToken ct = default)
    {
        if (action is not ("pause" or "resume" or "cancel" or "resubmit")) throw new ArgumentException($"Unknown job action '{action}'.", nameof(action));
        return PostAsync($"jobs/{JobId(id)}/{action}", new { }, ct);
    }

    /// <summary>
    /// Follows a job until it ends, reporting its progress (0..1). Returns the finished job; throws with Orthanc's
    /// error when it failed. The caller's token cancels the wait, not the job.
    /// </summary>
    public async Task<OrthancJob> WaitForJobAsync(string id, Func<double, Task>? progress = null, TimeSpan? poll = null, CancellationToken ct = default)
    {
        var delay = poll ?? TimeSpan.FromMilliseconds(500);
        while (true)
        {
            var job = await GetJobAsync(id, ct);
            if (progress is not null) await progress(job.Progress / 100.0);
            switch (job.State)
            {
                case "Success": return job;
                case "Failure":
                    throw new OrthancException(OrthancFailure.ServerError, $"Orthanc job {job.Type} failed: {job.ErrorDescription ?? "unknown error"}{(string.IsNullOrEmpty(job.ErrorDetails) ? "" : $" ({job.ErrorDetails})")}");
            }
            await Task.Delay(delay, ct);
        }
    }

    /// <summary>Streams a finished job's output (archives from /tools/create-archive and create-media).</summary>
    public Task<HttpResponseMessage> GetJobArchiveAsync(string id, CancellationToken ct = default)
        => GetStreamingAsync($"jobs/{JobId(id)}/archive", ct);

    private static string JobId(string id) => Id(id);
}

/// <summary>One Orthanc job. State: Pending, Running, Success, Failure, Paused, Retry.</summary>
public sealed record OrthancJob(
    string ID, string Type, string State, int Progress, string CreationTime, string? CompletionTime,
    int ErrorCode, string? ErrorDescription, string? ErrorDetails, int Priority, JsonObject? Content, double? EffectiveRuntime);
