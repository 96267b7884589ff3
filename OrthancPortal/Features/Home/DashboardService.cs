using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Admin;
using OrthancPortal.Features.Burner;
using OrthancPortal.Features.Content;
using OrthancPortal.Features.Robots;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Home;

/// <summary>The dashboard's work in progress, limited to what the user may see (a section is null when not).</summary>
/// <param name="RunningTasks">The user's own tasks (an admin's: everyone's) that run now.</param>
/// <param name="BurnerRunning">Whether the burner service takes jobs; null without the Burner permission.</param>
/// <param name="BurnJobsOpen">Burn jobs not finished yet (queued, preparing, at the disc software).</param>
/// <param name="BurnJobsStalled">Open burn jobs the disc software has not answered, or paused.</param>
/// <param name="RobotsActive">Auto-retrieve robots retrieving now; null without the AutoRetrieve permission.</param>
/// <param name="RobotsAwaitingApproval">Robots waiting for an admin's approval.</param>
public sealed record DashboardActivity(int RunningTasks, int QueuedTasks, bool AllTasks,
    bool? BurnerRunning, int? BurnJobsOpen, int? BurnJobsStalled,
    int? RobotsActive, int? RobotsPaused, int? RobotsAwaitingApproval);

/// <summary>What the dashboard shows beside Orthanc's own health (<see cref="Orthanc.OrthancHealthMonitor"/>).</summary>
public sealed class DashboardService(
    IDbContextFactory<PortalDbContext> dbFactory,
    SystemInfoService system,
    StudySearchService studies,
    BurnerJobService burner)
{
    public const int RecentStudyCount = 8;

    public async Task<DashboardActivity> GetActivityAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var all = Has(user, Permissions.Admin);
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tasks = db.Set<PortalTask>().AsNoTracking();
        if (!all) tasks = tasks.Where(t => t.OwnerId == userId);
        var running = await tasks.CountAsync(t => t.State == PortalTaskState.Running, ct);
        var queued = await tasks.CountAsync(t => t.State == PortalTaskState.Queued, ct);

        bool? burnerRunning = null;
        int? open = null, stalled = null;
        if (Has(user, Permissions.Burner))
        {
            burnerRunning = await burner.IsRunningAsync(ct);
            var jobs = db.Set<BurnerJob>().AsNoTracking();
            open = await jobs.CountAsync(j => j.State == BurnerJobState.Queued || j.State == BurnerJobState.Preparing || j.State == BurnerJobState.Submitted
                || j.State == BurnerJobState.InProgress || j.State == BurnerJobState.Paused || j.State == BurnerJobState.Stalled, ct);
            stalled = await jobs.CountAsync(j => j.State == BurnerJobState.Paused || j.State == BurnerJobState.Stalled, ct);
        }

        int? active = null, paused = null, awaiting = null;
        if (Has(user, Permissions.AutoRetrieve))
        {
            // The robots page shows a user their own robots and an admin every robot: the same here.
            var robots = db.Set<Robot>().AsNoTracking();
            if (!all) robots = robots.Where(r => r.OwnerId == userId);
            var byStatus = await robots.GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
            int Count(RobotStatus s) => byStatus.FirstOrDefault(x => x.Key == s)?.Count ?? 0;
            active = Count(RobotStatus.Active);
            paused = Count(RobotStatus.Paused);
            awaiting = Count(RobotStatus.AwaitingApproval);
        }
        return new(running, queued, all, burnerRunning, open, stalled, active, paused, awaiting);
    }

    /// <summary>Free and total space of the volume holding the data folder (and so the managed Orthanc's storage).</summary>
    public Task<DiskUsage> GetDiskAsync(CancellationToken ct = default) => system.GetDiskUsageAsync(ct);

    /// <summary>
    /// The newest studies the user may see (the study search, so a label-limited role sees only its studies), or
    /// null without the ViewContent permission. Throws <see cref="Orthanc.OrthancException"/> when Orthanc cannot answer.
    /// </summary>
    public async Task<StudyResultPage?> GetRecentStudiesAsync(ClaimsPrincipal user, CancellationToken ct = default)
        => Has(user, Permissions.ViewContent) ? await studies.SearchAsync(new StudyQuery(), 0, RecentStudyCount, StudySort.Default, ct) : null;

    private static bool Has(ClaimsPrincipal user, string permission) => user.HasClaim(Permissions.ClaimType, permission);
}
