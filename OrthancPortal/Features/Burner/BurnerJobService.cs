using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Files;
using OrthancPortal.Infrastructure.Live;
using OrthancPortal.Infrastructure.Localization;

using OrthancPortal.Infrastructure.Scheduling;

namespace OrthancPortal.Features.Burner;

/// <summary>What users and the change feed do with burn jobs: queue, cancel, list, start and stop the service.</summary>
public sealed class BurnerJobService(
    IDbContextFactory<PortalDbContext> dbFactory,
    OrthancClient orthanc,
    SettingsStore settings,
    AuditLog audit,
    LiveNotifier notifier,
    BackgroundJobs jobs,
    TimeProvider clock,
    ILogger<BurnerJobService> logger,
    IStringLocalizer<BurnerJobService> L)
{
    public async Task<bool> IsRunningAsync(CancellationToken ct = default) => (await settings.GetAsync<BurnerServiceState>(ct)).Running;

    public async Task SetRunningAsync(bool running, Actor actor, CancellationToken ct = default)
    {
        if (running)
        {
            var problem = BurnerSettings.FolderProblem((await settings.GetAsync<BurnerSettings>(ct)).MonitoredFolder);
            if (problem is not null) throw new BurnerException(L["The burner cannot start: monitored folder {0} Check the burner settings.", problem]);
        }
        await settings.SaveAsync(new BurnerServiceState { Running = running }, actor, ct);
        await audit.WriteAsync(actor, running ? "burner.start" : "burner.stop", "burner", ct: ct);
        notifier.Publish(new BurnerServiceChanged(running));
        if (running) await jobs.WakeAsync<BurnerQueue>(ct);
    }

    private static readonly SortKeys<BurnerJob> JobSort = new SortKeys<BurnerJob>(q => q.OrderByDescending(j => j.Id), q => q.ThenByDescending(j => j.Id))
        .Add(nameof(BurnerJob.Id), j => j.Id)
        .Add(nameof(BurnerJob.PatientName), j => j.PatientName);

    /// <summary>One page of jobs for the monitor: filter by patient (name or ID) and state, newest first unless sorted otherwise.</summary>
    public async Task<PageOf<BurnerJob>> ListAsync(PageRequest request, string? patient = null, BurnerJobState? state = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var jobs = db.Set<BurnerJob>().AsNoTracking();
        if (patient?.Trim() is { Length: > 0 } p)
        {
            // lower() on both sides: LIKE ignores case on SQLite but not on PostgreSQL; this is the same on both.
            var term = p.ToLowerInvariant();
            jobs = jobs.Where(j => j.PatientName.ToLower().Contains(term) || j.PatientId.ToLower().Contains(term));
        }
        if (state is { } wanted) jobs = jobs.Where(j => j.State == wanted);
        return await jobs.ToPageAsync(request, JobSort, ct);
    }

    public async Task<BurnerJob?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<BurnerJob>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
    }

    /// <summary>
    /// Queues one disc for the given studies of one patient. An automatic trigger leaves out studies that are already
    /// on a disc (so a restart or a repeated change never burns twice); a user asking by hand always gets a disc.
    /// Returns null when nothing is left to burn.
    /// </summary>
    public async Task<BurnerJob?> EnqueueAsync(IReadOnlyList<string> studyIds, BurnTrigger trigger, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var wanted = studyIds.Distinct().ToList();
        if (trigger == BurnTrigger.Auto)
        {
            var burned = await db.Set<BurnedStudy>().Where(b => wanted.Contains(b.StudyOrthancId)).Select(b => b.StudyOrthancId).ToListAsync(ct);
            wanted = wanted.Except(burned).ToList();
        }
        if (wanted.Count == 0) return null;

        var studies = new List<OrthancStudy>();
        foreach (var id in wanted) studies.Add(await orthanc.GetStudyAsync(id, ct));
        if (studies.Select(s => s.ParentPatient).Distinct().Count() > 1) throw new BurnerException(L["A disc holds the studies of one patient only."]);
        studies = studies.OrderBy(s => s.Tag("StudyDate")).ThenBy(s => s.Tag("StudyTime")).ToList();

        var options = await settings.GetAsync<BurnerSettings>(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var first = studies[0];
        var job = new BurnerJob
        {
            CreatedAt = now,
            UpdatedAt = now,
            Trigger = trigger,
            RequestedBy = actor.UserName,
            PatientOrthancId = first.ParentPatient,
            StudyOrthancIds = string.Join(",", studies.Select(s => s.ID)),
            PatientName = DiscRequestWriter.Value(first.Tag("PatientName")),
            PatientId = first.Tag("PatientID"),
            StudySummary = string.Join(" / ", studies.Select(s => $"{DicomDate(s.Tag("StudyDate"), options.LabelDateFormat)} {s.Tag("StudyDescription")}".Trim())),
            StudyCount = studies.Count,
            Manufacturer = options.Manufacturer,
            DiscType = options.DiscType == DiscTypeChoice.Auto ? "Auto" : options.DiscType.ToString(),
            State = BurnerJobState.Queued,
            Culture = PortalCultures.ForLaterWork(),
        };
        db.Add(job);
        await db.SaveChangesAsync(ct);
        foreach (var s in studies)
        {
            var existing = await db.Set<BurnedStudy>().FirstOrDefaultAsync(b => b.StudyOrthancId == s.ID, ct);
            if (existing is null) db.Add(new BurnedStudy { StudyOrthancId = s.ID, JobId = job.Id, At = now });
            else { existing.JobId = job.Id; existing.At = now; }
        }
        await db.SaveChangesAsync(ct);

        await audit.WriteAsync(actor, "burner.queue", $"studies/{job.StudyOrthancIds}",
            $"job {job.Id}, {trigger}, patient {job.PatientId}, {job.StudyCount} study(ies)", ct: ct);
        logger.LogInformation("Burn job {Job} queued ({Trigger}) for {Count} study(ies)", job.Id, trigger, job.StudyCount);
        notifier.Publish(new BurnerJobChanged(job.Id, job.State));
        await jobs.WakeAsync<BurnerQueue>(ct);
        return job;
    }

    /// <summary>
    /// Cancels a job. A queued job simply stops; a job with the disc software gets the producer's cancel request
    /// (.JCF for Epson, .PTM for Primera) and is marked cancelled when the disc software answers.
    /// </summary>
    public async Task CancelAsync(long id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Set<BurnerJob>().FirstOrDefaultAsync(j => j.Id == id, ct) ?? throw new BurnerException(L["There is no burn job {0}.", id]);
        if (job.IsFinal) throw new BurnerException(L["Burn job {0} has already ended.", id]);
        job.CancelRequested = true;
        job.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        if (job.State == BurnerJobState.Queued)
        {
            job.State = BurnerJobState.Cancelled;
            job.Detail = L["Cancelled before it started."];
        }
        else if (job.IsWithDiscSoftware && job.RequestName is not null && job.RequestFolder is not null)
        {
            var path = Path.Combine(job.RequestFolder, job.RequestName + DiscRequestWriter.CancelExtension(job.Manufacturer));
            var encoding = (await settings.GetAsync<BurnerSettings>(ct)).FileEncoding;
            await AtomicFile.WriteAllBytesAsync(path, DiscRequestWriter.Encode(DiscRequestWriter.CancelRequest(job.Manufacturer, job.RequestName), encoding), ct);
            job.Detail = L["Cancel request {0} sent to the disc software.", Path.GetFileName(path)];
        }
        else
        {
            job.Detail = L["Cancel requested; it stops before the request reaches the disc software."];
        }
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(actor, "burner.cancel", $"burner/jobs/{id}", job.Detail, ct: ct);
        notifier.Publish(new BurnerJobChanged(job.Id, job.State));
    }

    /// <summary>Queues the same studies again as a new manual job (after an error or a failure).</summary>
    public Task<BurnerJob?> RetryAsync(BurnerJob job, Actor actor, CancellationToken ct = default)
        => EnqueueAsync(job.StudyIds, BurnTrigger.Manual, actor, ct);

    /// <summary>DICOM DA (yyyyMMdd) in the label's format; anything else is shown as it is.</summary>
    public static string DicomDate(string value, string format)
        => DateOnly.TryParseExact(value, "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d)
            ? d.ToString(format, System.Globalization.CultureInfo.InvariantCulture)
            : value;
}

/// <summary>A burner action that cannot be done, with the reason for the user.</summary>
public sealed class BurnerException(string message) : Exception(message);
