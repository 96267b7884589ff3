using System.Diagnostics;
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
    /// error when it failed. The caller's token cancels the wait, not the job. Orthanc cannot tell when a job ends,
    /// so it is asked again after <see cref="NextPollDelay"/>: soon while the job is young, rarely once it has run
    /// for a while, never less often than every <paramref name="maxPoll"/> (default 500 ms).
    /// </summary>
    public async Task<OrthancJob> WaitForJobAsync(string id, Func<double, Task>? progress = null, TimeSpan? maxPoll = null, CancellationToken ct = default)
    {
        var cap = maxPoll ?? TimeSpan.FromMilliseconds(500);
        var started = Stopwatch.GetTimestamp();
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
            await Task.Delay(NextPollDelay(Stopwatch.GetElapsedTime(started), cap), ct);
        }
    }

    /// <summary>The shortest wait between two looks at a job (and the wait while it is younger than twenty times that).</summary>
    public static readonly TimeSpan MinPollDelay = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// The wait before the next look at a job followed for <paramref name="elapsed"/>: a twentieth of that, at least
    /// <see cref="MinPollDelay"/>, at most <paramref name="cap"/>. A fixed interval overshoots a job's end by half of
    /// it on average, which a robot pays on every one of thousands of short moves; this way a 200 ms move is seen
    /// ended within 10 ms (5 ms on average), while an hour-long export is still asked only every <paramref name="cap"/>
    /// once it is 20 times older than that (about a hundred looks more than a fixed cap would make in all).
    /// </summary>
    public static TimeSpan NextPollDelay(TimeSpan elapsed, TimeSpan cap)
    {
        var delay = elapsed / 20;
        if (delay < MinPollDelay) delay = MinPollDelay;
        return delay < cap ? delay : cap;
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
