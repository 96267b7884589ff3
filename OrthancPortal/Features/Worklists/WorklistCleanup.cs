using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure.Live;
using OrthancPortal.Infrastructure.Scheduling;
using Quartz;

namespace OrthancPortal.Features.Worklists;

/// <summary>The recurring cleanup of past and completed worklist entries.</summary>
[DisallowConcurrentExecution]
public sealed class WorklistCleanupJob(WorklistService worklists, ILogger<WorklistCleanupJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        try { await worklists.CleanupAsync(ct); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Orthanc may be down for a moment; the next run tries again.
            logger.LogWarning(ex, "Worklist cleanup failed");
        }
    }
}

/// <summary>Schedules the cleanup from settings at start-up and again whenever the Worklists settings change.</summary>
public sealed class WorklistCleanupScheduler(BackgroundJobs jobs, SettingsStore settings, LiveNotifier notifier, ILogger<WorklistCleanupScheduler> logger) : BackgroundService
{
    public const string JobName = "worklist-cleanup";

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        using var subscription = notifier.Subscribe<SettingsChanged>(c => c.Section == WorklistSettings.SectionName ? ScheduleAsync(stopping) : Task.CompletedTask);
        await ScheduleAsync(stopping);
        try { await Task.Delay(Timeout.Infinite, stopping); } catch (OperationCanceledException) { }
    }

    private async Task ScheduleAsync(CancellationToken ct)
    {
        var seconds = (await settings.GetAsync<WorklistSettings>(ct)).CleanupIntervalSeconds;
        TimeSpan? interval = seconds is > 0 ? TimeSpan.FromSeconds(seconds.Value) : null;
        await jobs.ScheduleRecurringAsync<WorklistCleanupJob>(JobName, interval, ct);
        logger.LogInformation("Worklist cleanup {State}", interval is null ? "is off" : $"runs every {interval.Value.TotalSeconds:0} s");
    }
}
