using OrthancPortal.Infrastructure.Scheduling;
using Quartz;

namespace OrthancPortal.Features.Account;

/// <summary>Deletes the rows of sessions that went idle: a browser that is simply closed never signs out.</summary>
[DisallowConcurrentExecution]
public sealed class SessionCleanupJob(SessionStore sessions, ILogger<SessionCleanupJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        try
        {
            var deleted = await sessions.DeleteExpiredAsync(ct);
            if (deleted > 0) logger.LogInformation("Deleted {Count} expired sessions", deleted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next run tries again; an expired row is refused on use anyway.
            logger.LogWarning(ex, "Session cleanup failed");
        }
    }
}

public sealed class SessionCleanupScheduler(BackgroundJobs jobs) : BackgroundService
{
    public const string JobName = "session-cleanup";
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override Task ExecuteAsync(CancellationToken stopping) => jobs.ScheduleRecurringAsync<SessionCleanupJob>(JobName, Interval, stopping);
}
