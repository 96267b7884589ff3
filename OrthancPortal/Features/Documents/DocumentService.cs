using System.Globalization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Content;
using OrthancPortal.Features.Labels;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Dicom;
using OrthancPortal.Infrastructure.Text;

namespace OrthancPortal.Features.Documents;

/// <summary>A file waiting on disk (the caller's temp file) to be attached, with the name it had and the series description chosen.</summary>
public sealed record DocumentUpload(string TempPath, string FileName, string? SeriesDescription);

/// <summary>One attached file: the new instance and series in Orthanc.</summary>
public sealed record AttachedDocument(string FileName, DocumentKind Kind, string InstanceId, string SeriesId, string SeriesDescription, long Bytes);

/// <summary>
/// Attaches referral letters (PDF) and photos (PNG/JPEG) to an existing study as new series, made by Orthanc's
/// /tools/create-dicom with the study as parent (so patient and study tags are the study's, the UIDs new). Needs the
/// Import permission and a study the user may see; every file is checked before any is made, and when one fails to be
/// made, the ones made in this request are deleted again: nothing half-made stays. Audited as <c>document.attach</c>.
/// </summary>
public sealed class DocumentService(OrthancClient orthanc, PermissionGuard guard, StudyAccess access, IOptions<DocumentOptions> options,
    AuditLog audit, ActorContext actors, TimeProvider clock, ILogger<DocumentService> logger, IStringLocalizer<DocumentService> L)
{
    public const int MaxDescriptionLength = 64;

    /// <summary>The series description offered for a file: its name without extension, cut to what DICOM (LO) holds.</summary>
    public static string DefaultDescription(string fileName)
    {
        var name = Path.GetFileNameWithoutExtension(fileName.Replace('\\', '/').Split('/')[^1]);
        var clean = new string(name.Where(c => !char.IsControl(c)).ToArray()).Replace('_', ' ').Trim();
        return clean.Length <= MaxDescriptionLength ? clean : clean[..MaxDescriptionLength].TrimEnd();
    }

    public async Task<IReadOnlyList<AttachedDocument>> AttachAsync(string studyId, IReadOnlyList<DocumentUpload> files, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.Import);
        OrthancClient.Id(studyId);
        await access.RequireAsync(ResourceLevel.Study, studyId, ct: ct);
        var limits = options.Value;
        if (files.Count == 0) throw new DocumentRejectedException(L["Choose at least one file."]);
        if (files.Count > limits.MaxFilesPerRequest) throw new DocumentRejectedException(L["Attach at most {0} files at once.", limits.MaxFilesPerRequest]);

        var checkedFiles = new List<(DocumentUpload File, DocumentKind Kind, string Description)>();
        foreach (var file in files)
        {
            var description = string.IsNullOrWhiteSpace(file.SeriesDescription) ? DefaultDescription(file.FileName) : file.SeriesDescription.Trim();
            if (description.Length > MaxDescriptionLength || description.Any(c => char.IsControl(c) || c == '\\'))
                throw new DocumentRejectedException(L["{0}: a series description has at most {1} characters, no backslash and no control characters.", file.FileName, MaxDescriptionLength]);
            checkedFiles.Add((file, await DocumentFile.CheckAsync(file.TempPath, file.FileName, limits.MaxFileBytes, ct), description));
        }

        var study = await orthanc.GetStudyAsync(studyId, ct);
        var nextSeriesNumber = (await orthanc.GetStudySeriesAsync(studyId, ct))
            .Select(s => int.TryParse(s.Tag("SeriesNumber"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .DefaultIfEmpty(0).Max() + 1;
        var actor = await actors.GetAsync();
        var now = clock.GetLocalNow().DateTime;
        var made = new List<AttachedDocument>();
        foreach (var (file, kind, description) in checkedFiles)
        {
            var tags = new Dictionary<string, string>
            {
                ["Modality"] = kind == DocumentKind.Pdf ? "DOC" : "OT",
                ["SeriesDescription"] = description,
                ["SeriesNumber"] = (nextSeriesNumber++).ToString(CultureInfo.InvariantCulture),
                ["InstanceNumber"] = "1",
                ["SeriesDate"] = DicomDates.Date(now),
                ["SeriesTime"] = DicomDates.Time(now),
                ["ContentDate"] = DicomDates.Date(now),
                ["ContentTime"] = DicomDates.Time(now),
            };
            if (kind == DocumentKind.Pdf) tags["DocumentTitle"] = description;
            try
            {
                var created = await orthanc.CreateDicomAsync(studyId, tags, DocumentFile.MimeType(kind), file.TempPath, ct);
                var instance = await orthanc.GetInstanceAsync(created.ID, ct);
                made.Add(new AttachedDocument(file.FileName, kind, created.ID, instance.ParentSeries, description, new FileInfo(file.TempPath).Length));
            }
            catch (Exception ex) when (ex is OrthancException or HttpRequestException or IOException)
            {
                await RollBackAsync(made);
                await audit.WriteAsync(actor, "document.attach", $"studies/{studyId}", $"{file.FileName}: {ex.Message}; nothing of this request kept", success: false, ct: CancellationToken.None);
                throw new DocumentRejectedException(L["{0}: Orthanc could not make a DICOM instance of it ({1}). Nothing of this request was kept.", file.FileName, ex.Message]);
            }
        }
        foreach (var doc in made)
        {
            await audit.WriteAsync(actor, "document.attach", $"studies/{studyId}",
                $"{doc.FileName} ({DocumentFile.Describe(doc.Kind)}, {ByteSize.Format(doc.Bytes)}) as series '{doc.SeriesDescription}' -> instances/{doc.InstanceId}; study {study.Tag("PatientID")} {study.Tag("StudyDate")}",
                ct: CancellationToken.None);
        }
        return made;
    }

    private async Task RollBackAsync(IEnumerable<AttachedDocument> made)
    {
        foreach (var doc in made)
        {
            // Deleting the only instance of the new series deletes the series too.
            try { await orthanc.DeleteResourceAsync(ResourceLevel.Instance, doc.InstanceId, CancellationToken.None); }
            catch (OrthancException ex) { logger.LogError(ex, "Could not delete instance {Id} made by a failed document request", doc.InstanceId); }
        }
    }
}
