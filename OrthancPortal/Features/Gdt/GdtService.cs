using Microsoft.Extensions.Options;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Files;
using OrthancPortal.Infrastructure.Live;

namespace OrthancPortal.Features.Gdt;

/// <summary>Published when the outbox changes, so the outbox page refreshes.</summary>
public sealed record GdtFileWritten(long Id, string FileName);

/// <summary>Writes new-study and SR GDT files into the AIS import folder and keeps the outbox.</summary>
public sealed class GdtService(
    OrthancClient orthanc,
    SettingsStore settings,
    IOptions<PortalOptions> portal,
    IDbContextFactory<PortalDbContext> dbFactory,
    Webhooks webhooks,
    StudyOriginClassifier origins,
    AuditLog audit,
    LiveNotifier notifier,
    TimeProvider clock,
    IStringLocalizer<GdtService> L,
    ILogger<GdtService> logger)
{
    /// <summary>The AIS import folder, or null while none is set (then nothing is written).</summary>
    public async Task<string?> FolderAsync(CancellationToken ct = default)
    {
        var s = await settings.GetAsync<GdtSettings>(ct);
        return string.IsNullOrWhiteSpace(s.Folder) ? null : portal.Value.Resolve(s.Folder);
    }

    /// <summary>
    /// The folder must be there: an AIS share that is offline fails the write (the change feed then retries it
    /// with backoff) instead of the portal creating a local folder the AIS never reads.
    /// </summary>
    private string ResolveFolder(GdtSettings s)
    {
        if (string.IsNullOrWhiteSpace(s.Folder)) throw new GdtException(L["No AIS import folder is set; set it on the GDT settings page."]);
        var folder = portal.Value.Resolve(s.Folder);
        // A folder under the data folder is the portal's own to create; a share's folder is not.
        if (!Path.IsPathRooted(s.Folder)) Directory.CreateDirectory(folder);
        if (!Directory.Exists(folder)) throw new GdtException(L["The AIS import folder '{0}' does not exist (is the share offline?).", folder]);
        return folder;
    }

    /// <summary>The new-study record as bytes in the target's charset (also the answer of /worklist/add).</summary>
    public async Task<(byte[] Bytes, GdtCharset Charset)> RenderNewStudyAsync(GdtStudy study, CancellationToken ct = default)
    {
        var s = await settings.GetAsync<GdtSettings>(ct);
        return (GdtWriter.Write(NewStudyGdt.Build(study, s.TestId, s.TestDescription), s.Format), s.Charset);
    }

    /// <summary>Handles a stable study: its new-study file (once) and one file per supported SR (once each).</summary>
    /// <remarks>
    /// Nothing is written while no AIS folder is set, and only for studies from the sources each kind of file is
    /// set to take. A file that cannot be written throws, so the change feed retries the change.
    /// </remarks>
    public async Task HandleStableStudyAsync(string orthancStudyId, CancellationToken ct)
    {
        var s = await settings.GetAsync<GdtSettings>(ct);
        if (string.IsNullOrWhiteSpace(s.Folder) || (!s.NewStudyFiles && !s.SrFiles)) return;
        var origin = await origins.ClassifyStudyAsync(orthancStudyId, ct);
        if (s.NewStudyFiles && s.NewStudySources.Accepts(origin)) await WriteNewStudyAsync(orthancStudyId, force: false, Actor.System, ct);
        if (s.SrFiles && s.SrSources.Accepts(origin)) await WriteSrFilesAsync(orthancStudyId, s, ct);
    }

    /// <summary>Writes &lt;Accession&gt;.gdt; when <paramref name="force"/> is false, a study that has its file is skipped.</summary>
    public async Task<GdtFile?> WriteNewStudyAsync(string orthancStudyId, bool force, Actor actor, CancellationToken ct)
    {
        var s = await settings.GetAsync<GdtSettings>(ct);
        var study = await orthanc.GetStudyAsync(orthancStudyId, ct);
        var studyUid = study.Tag("StudyInstanceUID");
        var key = $"{GdtFile.KindStudy}:{studyUid}";
        if (!force && await ExistsAsync(key, ct)) return null;

        var series = await orthanc.GetStudySeriesAsync(orthancStudyId, ct);
        var modalities = string.Join("/", series.Select(x => x.Tag("Modality")).Where(m => m.Length > 0).Distinct());
        var accession = study.Tag("AccessionNumber") is { Length: > 0 } a ? a : FallbackId(studyUid);
        var gdtStudy = new GdtStudy(study.Tag("PatientID"), accession, study.Tag("StudyDate"), study.Tag("StudyTime"), modalities, study.Tag("StudyDescription"))
            .WithPatient(study.Tag("PatientName"), study.Tag("PatientBirthDate"));
        var bytes = GdtWriter.Write(NewStudyGdt.Build(gdtStudy, s.TestId, s.TestDescription), s.Format);
        var fileName = FileNames.Safe(accession, "unnamed") + ".gdt";
        var row = await WriteAndRecordAsync(s, key, GdtFile.KindStudy, orthancStudyId, studyUid, gdtStudy.PatientId, accession, fileName, bytes, actor, ct);

        if (!string.IsNullOrWhiteSpace(s.UrlOnGdtWritten))
        {
            row.WebhookResult = await webhooks.CallAsync(s.UrlOnGdtWritten, "UrlOnGdtWritten", ct);
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await db.Set<GdtFile>().Where(f => f.Id == row.Id).ExecuteUpdateAsync(u => u.SetProperty(f => f.WebhookResult, row.WebhookResult), ct);
            notifier.Publish(new GdtFileWritten(row.Id, row.FileName));
        }
        return row;
    }

    private async Task WriteSrFilesAsync(string orthancStudyId, GdtSettings s, CancellationToken ct)
    {
        var study = await orthanc.GetStudyAsync(orthancStudyId, ct);
        foreach (var series in (await orthanc.GetStudySeriesAsync(orthancStudyId, ct)).Where(x => x.Tag("Modality") == "SR"))
        {
            foreach (var instance in await orthanc.GetSeriesInstancesAsync(series.ID, ct))
            {
                var tags = new DicomJson(await orthanc.GetInstanceTagsAsync(instance.ID, ct));
                var measurements = SrMeasurementReader.Read(tags);
                if (measurements is null || measurements.Count == 0) continue;
                var sopUid = tags.Get(Tags.SopInstanceUid);
                var key = $"{GdtFile.KindSr}:{sopUid}";
                if (await ExistsAsync(key, ct)) continue;

                var accession = tags.Get(Tags.AccessionNumber) is { Length: > 0 } a ? a : FallbackId(study.Tag("StudyInstanceUID"));
                var date = tags.Get(Tags.ContentDate) is { Length: > 0 } cd ? cd : tags.Get(Tags.StudyDate);
                var time = tags.Get(Tags.ContentTime) is { Length: > 0 } ctm ? ctm : tags.Get(Tags.StudyTime);
                var bytes = GdtWriter.Write(SrGdt.Build(tags.Get(Tags.PatientId), date, time, measurements), s.Format);
                var fileName = $"{FileNames.Safe(accession, "unnamed")}-sr-{FileNames.Safe(sopUid, "unnamed")}.gdt";
                await WriteAndRecordAsync(s, key, GdtFile.KindSr, orthancStudyId, study.Tag("StudyInstanceUID"), tags.Get(Tags.PatientId), accession, fileName, bytes, Actor.System, ct);
                logger.LogInformation("Wrote {Count} SR measurements to {File}", measurements.Count, fileName);
            }
        }
    }

    /// <summary>The file first (atomically), then the row: a crash in between writes the file again rather than never.</summary>
    private async Task<GdtFile> WriteAndRecordAsync(GdtSettings s, string key, string kind, string orthancStudyId, string studyUid, string patientId,
        string accession, string fileName, byte[] bytes, Actor actor, CancellationToken ct)
    {
        var path = Path.Combine(ResolveFolder(s), fileName);
        await AtomicFile.WriteAllBytesAsync(path, bytes, ct);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Set<GdtFile>().FirstOrDefaultAsync(f => f.Key == key, ct);
        if (row is null) db.Add(row = new GdtFile { Key = key, Kind = kind });
        row.OrthancStudyId = orthancStudyId;
        row.StudyInstanceUid = studyUid;
        row.PatientId = patientId;
        row.Accession = accession;
        row.FileName = fileName;
        row.WrittenAt = clock.GetUtcNow().UtcDateTime;
        row.WriteCount++;
        row.WebhookResult = null;
        await db.SaveChangesAsync(ct);
        // Not cancelled: a shutdown between the row and its audit entry must not leave a file nobody audited.
        await audit.WriteAsync(actor, row.WriteCount > 1 ? "gdt.rewrite" : "gdt.write", fileName, $"study {studyUid}, patient {patientId}", ct: CancellationToken.None);
        notifier.Publish(new GdtFileWritten(row.Id, fileName));
        return row;
    }

    private static readonly SortKeys<GdtFile> OutboxSort = new SortKeys<GdtFile>(q => q.OrderByDescending(f => f.WrittenAt).ThenByDescending(f => f.Id), q => q.ThenByDescending(f => f.Id))
        .Add(nameof(GdtFile.WrittenAt), f => f.WrittenAt)
        .Add(nameof(GdtFile.PatientId), f => f.PatientId);

    /// <summary>One page of the outbox: filter by file or accession and by patient; newest first unless sorted by time or patient.</summary>
    public async Task<PageOf<GdtFile>> PageAsync(PageRequest request, string? file, string? patient, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Set<GdtFile>().AsNoTracking();
        if (file?.Trim() is { Length: > 0 } f) query = query.Where(g => g.FileName.Contains(f) || g.Accession.Contains(f));
        if (patient?.Trim() is { Length: > 0 } p) query = query.Where(g => g.PatientId.Contains(p));
        return await query.ToPageAsync(request, OutboxSort, ct);
    }

    public async Task<IReadOnlyList<GdtFile>> ListAsync(int limit, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<GdtFile>().AsNoTracking().OrderByDescending(f => f.WrittenAt).Take(limit).ToListAsync(ct);
    }

    private async Task<bool> ExistsAsync(string key, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<GdtFile>().AnyAsync(f => f.Key == key, ct);
    }

    /// <summary>For a study without accession number: derived from its UID, so it is the same every time.</summary>
    public static string FallbackId(string studyUid)
        => "S" + Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(studyUid)))[..12];
}

/// <summary>A GDT file that cannot be written, with the reason for the admin.</summary>
public sealed class GdtException(string message) : Exception(message);

/// <summary>Writes GDT files when studies become stable (change feed: delivered once, also after downtime).</summary>
public sealed class GdtStudySubscriber(GdtService gdt) : IChangeSubscriber
{
    public string Name => "gdt";
    public bool Wants(OrthancChange change) => change.ChangeType == ChangeTypes.StableStudy;

    public async Task HandleAsync(OrthancChange change, CancellationToken ct)
    {
        // A study deleted before we got to it has nothing left to report.
        try { await gdt.HandleStableStudyAsync(change.ID, ct); }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound) { }
    }
}
