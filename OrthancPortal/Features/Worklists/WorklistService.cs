using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Gdt;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Dicom;
using OrthancPortal.Infrastructure.Files;
using OrthancPortal.Infrastructure.Live;
using OrthancPortal.Infrastructure.Time;

namespace OrthancPortal.Features.Worklists;

/// <summary>Published when entries are added or removed, so the worklist page refreshes (entries also come from AIS calls).</summary>
public sealed record WorklistChanged;

public sealed record WorklistResult(WorklistEntry? Entry, IReadOnlyList<string> Errors)
{
    public bool Succeeded => Entry is not null;
}

/// <summary>Creates, lists, deletes and cleans up worklist entries and their .wl files.</summary>
public sealed class WorklistService(
    IDbContextFactory<PortalDbContext> dbFactory,
    SettingsStore settings,
    IOptions<PortalOptions> portal,
    OrthancClient orthanc,
    AuditLog audit,
    Webhooks webhooks,
    LiveNotifier notifier,
    TimeProvider clock,
    ILogger<WorklistService> logger)
{
    public async Task<string> FolderAsync(CancellationToken ct = default)
    {
        var s = await settings.GetAsync<WorklistSettings>(ct);
        if (string.IsNullOrWhiteSpace(s.Folder)) return portal.Value.SubFolder("worklists");
        var folder = portal.Value.Resolve(s.Folder);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Validates first; on any error nothing is written. Then the .wl file (atomically), then the row.</summary>
    public async Task<WorklistResult> CreateAsync(WorklistInput input, Actor actor, CancellationToken ct = default)
    {
        var validation = await new WorklistInput.Validator(clock.LocalToday()).ValidateAsync(input, ct);
        if (!validation.IsValid) return new(null, validation.Errors.Select(e => e.ErrorMessage).ToList());

        var entry = new WorklistEntry
        {
            AccessionNumber = $"R{await NextAccessionNumberAsync(ct):D10}",
            PatientId = input.PatientId.Trim(),
            LastName = input.LastName.Trim(),
            FirstName = input.FirstName.Trim(),
            BirthDate = input.BirthDate is { } birth ? DicomDates.Date(birth) : "",
            Sex = input.Sex,
            Modality = input.Modality.Trim(),
            StationAet = input.StationAet.Trim(),
            Procedure = input.Procedure.Trim(),
            Physician = input.Physician.Trim(),
            ScheduledAt = DateTime.SpecifyKind(input.ScheduledAt!.Value, DateTimeKind.Unspecified),
            StudyInstanceUid = DicomFileWriter.NewUid(),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            CreatedBy = actor.UserName,
        };
        entry.FileName = entry.AccessionNumber + ".wl";
        var path = Path.Combine(await FolderAsync(ct), entry.FileName);
        await AtomicFile.WriteAllBytesAsync(path, WorklistFileWriter.Write(entry), ct);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            db.Add(entry);
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            // The row is the record of the file: without it, the file must not stay either.
            File.Delete(path);
            throw;
        }
        await audit.WriteAsync(actor, "worklist.add", entry.AccessionNumber,
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"patient {entry.PatientId}, {entry.Modality} at {entry.StationAet}, {entry.ScheduledAt:yyyy-MM-dd HH:mm}"), ct: ct);
        notifier.Publish(new WorklistChanged());
        await CallWebhookInBackgroundAsync(entry.Id, ct);
        return new(entry, []);
    }

    /// <summary>
    /// Next value of the accession sequence: one row bumped by one upsert, so concurrent callers never share a number
    /// (on SQLite inside BEGIN IMMEDIATE, which Microsoft.Data.Sqlite uses for every non-deferred transaction, so the
    /// write lock is taken first; on PostgreSQL the upsert's row lock does it, from any portal process).
    /// </summary>
    public async Task<long> NextAccessionNumberAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText = """
            INSERT INTO "WorklistCounters" ("Name", "Value") VALUES ('accession', 1)
            ON CONFLICT ("Name") DO UPDATE SET "Value" = "WorklistCounters"."Value" + 1
            RETURNING "Value";
            """;
        var value = Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        await transaction.CommitAsync(ct);
        return value;
    }

    private async Task CallWebhookInBackgroundAsync(long entryId, CancellationToken ct)
    {
        var url = (await settings.GetAsync<WorklistSettings>(ct)).UrlOnWorklistEntryAdded;
        if (string.IsNullOrWhiteSpace(url)) return;
        // The AIS gets its answer without waiting for the office's home automation.
        _ = Task.Run(async () =>
        {
            var result = await webhooks.CallAsync(url, "UrlOnWorklistEntryAdded");
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync();
                await db.Set<WorklistEntry>().Where(e => e.Id == entryId).ExecuteUpdateAsync(u => u.SetProperty(e => e.WebhookResult, result));
                notifier.Publish(new WorklistChanged());
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not record the webhook result of worklist entry {Id}", entryId);
            }
        }, CancellationToken.None);
    }

    /// <summary>One page of the entries scheduled today or later (soonest first unless the grid sorts), read in the database.</summary>
    public async Task<PageOf<WorklistEntry>> UpcomingPageAsync(PageRequest request, CancellationToken ct = default)
    {
        var today = Today;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sort = new SortKeys<WorklistEntry>(q => q.OrderBy(e => e.ScheduledAt).ThenBy(e => e.Id), q => q.ThenBy(e => e.Id))
            .Add("ScheduledAt", e => e.ScheduledAt)
            .Add("AccessionNumber", e => e.AccessionNumber)
            .Add("PatientName", e => e.PatientName)
            .Add("Modality", e => e.Modality)
            .Add("StationAet", e => e.StationAet)
            .Add("Procedure", e => e.Procedure);
        return await db.Set<WorklistEntry>().AsNoTracking().Where(e => e.ScheduledAt >= today).ToPageAsync(request, sort, ct);
    }

    /// <summary>Entries scheduled today or later, soonest first.</summary>
    public async Task<IReadOnlyList<WorklistEntry>> ListUpcomingAsync(CancellationToken ct = default)
    {
        var today = Today;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<WorklistEntry>().AsNoTracking().Where(e => e.ScheduledAt >= today).OrderBy(e => e.ScheduledAt).ToListAsync(ct);
    }

    public async Task<WorklistEntry?> FindAsync(string accessionNumber, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<WorklistEntry>().AsNoTracking().FirstOrDefaultAsync(e => e.AccessionNumber == accessionNumber, ct);
    }

    public async Task<bool> DeleteAsync(long id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entry = await db.Set<WorklistEntry>().FirstOrDefaultAsync(e => e.Id == id, ct);
        if (entry is null) return false;
        await RemoveAsync(db, entry, actor, "worklist.delete", "deleted by user", ct);
        notifier.Publish(new WorklistChanged());
        return true;
    }

    /// <summary>
    /// Orthanc has no MPPS, so modalities never say an examination is done: entries scheduled before today and
    /// entries whose accession number has arrived as a study are removed.
    /// </summary>
    public async Task<int> CleanupAsync(CancellationToken ct = default)
    {
        var today = Today;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var removed = 0;
        foreach (var entry in await db.Set<WorklistEntry>().ToListAsync(ct))
        {
            string? reason = null;
            if (entry.ScheduledAt < today) reason = "scheduled before today";
            else if ((await orthanc.FindIdsAsync("Study", new Dictionary<string, string> { ["AccessionNumber"] = entry.AccessionNumber }, 1, ct: ct)).Count > 0)
            {
                reason = "its study has arrived";
            }
            if (reason is null) continue;
            await RemoveAsync(db, entry, Actor.System, "worklist.cleanup", reason, ct);
            removed++;
        }
        if (removed > 0)
        {
            logger.LogInformation("Worklist cleanup removed {Count} entries", removed);
            notifier.Publish(new WorklistChanged());
        }
        return removed;
    }

    private async Task RemoveAsync(PortalDbContext db, WorklistEntry entry, Actor actor, string action, string reason, CancellationToken ct)
    {
        var path = Path.Combine(await FolderAsync(ct), entry.FileName);
        // The file first: a modality must not find an entry the portal no longer lists.
        File.Delete(path);
        db.Remove(entry);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(actor, action, entry.AccessionNumber, $"patient {entry.PatientId}: {reason}", ct: ct);
    }

    /// <summary>Studies dated today in Orthanc (newest first), to open from the worklist page.</summary>
    public async Task<IReadOnlyList<ArrivedStudy>> ListTodaysStudiesAsync(CancellationToken ct = default)
    {
        var studies = await orthanc.FindStudiesAsync(new Dictionary<string, string> { ["StudyDate"] = DicomDates.Date(Today) }, 100, ct: ct);
        return studies
            .Select(s => new ArrivedStudy(s.ID, s.Tag("StudyInstanceUID"), s.Tag("PatientID"), s.Tag("PatientName"), s.Tag("AccessionNumber"), s.Tag("StudyDescription"), s.Tag("StudyTime")))
            .OrderByDescending(s => s.Time)
            .ToList();
    }

    private DateTime Today => DateTime.SpecifyKind(clock.GetLocalNow().Date, DateTimeKind.Unspecified);
}

/// <summary>A study that arrived today, with its viewer links, for the worklist page.</summary>
public sealed record ArrivedStudy(string OrthancId, string StudyInstanceUid, string PatientId, string PatientName, string Accession, string Description, string Time);
