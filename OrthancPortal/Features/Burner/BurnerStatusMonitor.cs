using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Live;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Burner;

public sealed class BurnerMonitorOptions
{
    public const string Section = "BurnerMonitor";
    /// <summary>The safety-net rescan of the monitored folder, for events the file watcher misses (network shares).</summary>
    public double RescanSeconds { get; set; } = 10;
}

/// <summary>
/// Follows the disc software through the request files it renames (.INP in progress, .STP paused, .DON done,
/// .ERR error). A FileSystemWatcher reacts at once; a periodic rescan catches whatever the watcher missed.
/// It also marks jobs stalled, and after a burn cleans the job folder and, if set, deletes the studies from Orthanc.
/// </summary>
public sealed class BurnerStatusMonitor(
    IServiceScopeFactory scopes,
    IDbContextFactory<PortalDbContext> dbFactory,
    SettingsStore settings,
    LiveNotifier notifier,
    TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<BurnerMonitorOptions> options,
    ILogger<BurnerStatusMonitor> logger) : BackgroundService
{
    private readonly SemaphoreSlim signal = new(0);
    private FileSystemWatcher? watcher;
    private string? watchedFolder;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        using var settingsChanged = notifier.Subscribe<SettingsChanged>(_ => { Poke(); return Task.CompletedTask; });
        var interval = TimeSpan.FromSeconds(options.Value.RescanSeconds);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var burner = await settings.GetAsync<BurnerSettings>(stopping);
                Watch(burner.MonitoredFolder);
                await ScanAsync(burner, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                logger.LogError(ex, "Burner status scan failed");
            }
            try { await signal.WaitAsync(interval, stopping); } catch (OperationCanceledException) { break; }
            // A burst of renames gives one scan.
            while (signal.CurrentCount > 0) await signal.WaitAsync(stopping);
        }
        watcher?.Dispose();
    }

    private void Poke() => signal.Release();

    private void Watch(string folder)
    {
        if (folder == watchedFolder && watcher is not null) return;
        watcher?.Dispose();
        watcher = null;
        watchedFolder = folder;
        if (!Directory.Exists(folder)) return;
        try
        {
            watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite };
            watcher.Created += (_, _) => Poke();
            watcher.Renamed += (_, _) => Poke();
            watcher.Deleted += (_, _) => Poke();
            watcher.Error += (_, e) => logger.LogWarning(e.GetException(), "Watching {Folder} failed; the rescan carries on", folder);
            watcher.EnableRaisingEvents = true;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
        {
            logger.LogWarning(ex, "Cannot watch {Folder}; relying on the periodic rescan", folder);
            watcher = null;
        }
    }

    /// <summary>Reads every open job's request file and applies what the disc software says.</summary>
    public async Task ScanAsync(BurnerSettings burner, CancellationToken ct)
    {
        List<BurnerJob> open;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            open = await db.Set<BurnerJob>().AsNoTracking().Where(j =>
                j.State == BurnerJobState.Submitted || j.State == BurnerJobState.InProgress ||
                j.State == BurnerJobState.Paused || j.State == BurnerJobState.Stalled).ToListAsync(ct);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var job in open)
        {
            var found = FindRequestExtension(job);
            // Decided under the job's language, so the detail it stores reads in the language of whoever queued it.
            await PortalCultures.RunInAsync(job.Culture, async () =>
            {
                var decision = DiscStatus.Decide(job, found, now, TimeSpan.FromMinutes(burner.StallMinutes));
                if (decision is not null) await ApplyAsync(job.Id, decision, burner, ct);
            });
        }
    }

    /// <summary>The extension the request file has now (".INP", ...), or null when it is gone.</summary>
    private static string? FindRequestExtension(BurnerJob job)
    {
        if (job.RequestFolder is null || job.RequestName is null || !Directory.Exists(job.RequestFolder)) return null;
        // The disc software's renames are final states first, so the most advanced one wins if two exist at once.
        foreach (var ext in DiscStatus.Extensions)
        {
            if (File.Exists(Path.Combine(job.RequestFolder, job.RequestName + ext))) return ext;
            if (File.Exists(Path.Combine(job.RequestFolder, job.RequestName + ext.ToLowerInvariant()))) return ext;
        }
        return null;
    }

    private async Task ApplyAsync(long id, DiscStatus.Change change, BurnerSettings burner, CancellationToken ct)
    {
        BurnerJob job;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            job = await db.Set<BurnerJob>().FirstAsync(j => j.Id == id, ct);
            job.State = change.State;
            job.Detail = change.Detail;
            job.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            if (change.Signal) job.LastSignalAt = job.UpdatedAt;
            await db.SaveChangesAsync(ct);
        }
        logger.LogInformation("Burn job {Job} is now {State}", id, change.State);
        if (job.IsFinal) await FinishAsync(job, burner, ct);
        notifier.Publish(new BurnerJobChanged(job.Id, job.State));
    }

    /// <summary>The disc software is done with the job folder; after a good burn the studies may leave Orthanc.</summary>
    private async Task FinishAsync(BurnerJob job, BurnerSettings burner, CancellationToken ct)
    {
        if (job.JobFolder is not null && job.JobFolder.Contains(DiscBuilder.JobsSubfolder, StringComparison.Ordinal))
        {
            try { if (Directory.Exists(job.JobFolder)) Directory.Delete(job.JobFolder, recursive: true); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(ex, "Could not remove the job folder {Folder}", job.JobFolder);
            }
        }
        if (job.State != BurnerJobState.Done || !burner.DeleteAfterBurn) return;

        await using var scope = scopes.CreateAsyncScope();
        var orthanc = scope.ServiceProvider.GetRequiredService<OrthancClient>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        var deletedAll = true;
        foreach (var study in job.StudyIds)
        {
            try
            {
                await orthanc.DeleteResourceAsync(ResourceLevel.Study, study, ct);
                await audit.WriteAsync(Actor.System, "burner.delete-study", $"studies/{study}", $"deleted after burn job {job.Id} (patient {job.PatientId})", ct: ct);
            }
            catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound)
            {
                await audit.WriteAsync(Actor.System, "burner.delete-study", $"studies/{study}", $"already gone after burn job {job.Id}", ct: ct);
            }
            catch (OrthancException ex)
            {
                deletedAll = false;
                logger.LogWarning(ex, "Could not delete study {Study} after burn job {Job}", study, job.Id);
                await audit.WriteAsync(Actor.System, "burner.delete-study", $"studies/{study}", $"after burn job {job.Id}: {ex.Message}", success: false, ct: ct);
            }
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Set<BurnerJob>().FirstAsync(j => j.Id == job.Id, ct);
        row.DeletedFromOrthanc = deletedAll;
        if (!deletedAll) row.Detail = DiscStatus.L["Burned; deleting the studies from Orthanc failed (see the audit log)"];
        await db.SaveChangesAsync(ct);
    }

    public override void Dispose()
    {
        watcher?.Dispose();
        signal.Dispose();
        base.Dispose();
    }
}

/// <summary>The pure rules that turn the request file's extension into a job state.</summary>
public static class DiscStatus
{
    /// <summary>Checked in this order: final answers before running ones, the untouched request last.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".DON", ".ERR", ".STP", ".INP", ".JDF", ".JRQ"];

    // Looked up when a job's state changes, under the language of the job (BurnerStatusMonitor runs it so).
    internal static readonly IStringLocalizer<BurnerStatusMonitor> L = PortalText.For<BurnerStatusMonitor>();

    public sealed record Change(BurnerJobState State, string Detail, bool Signal);

    /// <summary>The new state of an open job, or null when nothing changes.</summary>
    public static Change? Decide(BurnerJob job, string? extension, DateTime now, TimeSpan stallAfter)
    {
        var next = extension switch
        {
            ".DON" => new Change(BurnerJobState.Done, L["Disc burned"], true),
            ".ERR" when job.CancelRequested => new Change(BurnerJobState.Cancelled, L["Cancelled by the disc software"], true),
            ".ERR" => new Change(BurnerJobState.Error, L["The disc software reported an error (see its log)"], true),
            ".STP" => new Change(BurnerJobState.Paused, L["Paused by the disc software"], true),
            ".INP" => new Change(BurnerJobState.InProgress, L["Burning"], true),
            null when job.CancelRequested => new Change(BurnerJobState.Cancelled, L["Cancelled; the disc software removed the request"], true),
            _ => null,
        };
        if (next is not null) return next.State == job.State ? null : next;

        // The request is untouched (or gone without a word): after the stall time, say so; it recovers on the next answer.
        var quietSince = job.LastSignalAt ?? job.SubmittedAt ?? job.UpdatedAt;
        if (job.State is BurnerJobState.Submitted && now - quietSince >= stallAfter)
        {
            return new Change(BurnerJobState.Stalled,
                extension is null
                    ? L["The request file is gone and the disc software has not answered for {0:0} min", stallAfter.TotalMinutes]
                    : L["The disc software has not picked up the request for {0:0} min; is it running?", stallAfter.TotalMinutes], false);
        }
        return null;
    }
}
