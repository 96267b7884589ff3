using System.IO.Compression;
using Microsoft.Extensions.Localization;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Files;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Burner;

/// <summary>
/// Makes one disc request: DICOMDIR media from Orthanc, streamed to disk and unpacked into the job folder, then the
/// producer's request file renamed into the monitored folder. Paths inside the job folder never come from DICOM.
/// </summary>
public sealed class DiscBuilder(OrthancClient orthanc, ILogger<DiscBuilder> logger)
{
    private static readonly IStringLocalizer<DiscBuilder> L = PortalText.For<DiscBuilder>();

    /// <summary>Job folders live beside the requests, on the same share the disc software reads.</summary>
    public const string JobsSubfolder = "OrthancPortal-jobs";

    public sealed record Result(string RequestName, string RequestFolder, string JobFolder, string DiscType, long SizeBytes);

    public async Task<Result> BuildAsync(BurnerJob job, BurnerSettings settings, Func<string, Task> progress, CancellationToken ct)
    {
        var monitored = settings.MonitoredFolder;
        var problem = BurnerSettings.FolderProblem(monitored);
        if (problem is not null) throw new BurnerException(L["Monitored folder {0}", problem]);

        var requestName = job.RequestName ?? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"CD_{job.CreatedAt:yyyyMMddHHmmss}_{job.Id:D6}");
        var jobFolder = Path.Combine(monitored, JobsSubfolder, $"{requestName}_{DiscRequestWriter.FileNamePart(job.PatientName, 24)}");
        if (Directory.Exists(jobFolder)) Directory.Delete(jobFolder, recursive: true);
        var dicomFolder = Path.Combine(jobFolder, "DICOM");
        Directory.CreateDirectory(dicomFolder);

        await progress(L["Orthanc is making the DICOMDIR media"]);
        var started = await orthanc.CreateMediaJobAsync(job.StudyIds, settings.TransferSyntax, ct);
        await orthanc.WaitForJobAsync(started.ID, p => progress(L["Orthanc is making the DICOMDIR media ({0:0} %)", p]), ct: ct);

        await progress(L["Copying the media to the job folder"]);
        var zip = Path.Combine(jobFolder, "media.zip");
        using (var response = await orthanc.GetJobArchiveAsync(started.ID, ct))
        await using (var source = await response.Content.ReadAsStreamAsync(ct))
        await using (var target = new FileStream(zip, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            await source.CopyToAsync(target, ct);
        }
        await UnzipAsync(zip, dicomFolder, ct);
        File.Delete(zip);

        var viewer = string.IsNullOrEmpty(settings.ViewerFolder) ? null : settings.ViewerFolder;
        var size = FolderSize(dicomFolder) + (viewer is null ? 0 : FolderSize(viewer));
        var kind = settings.DiscType switch
        {
            DiscTypeChoice.CD => DiscKind.CD,
            DiscTypeChoice.DVD => DiscKind.DVD,
            _ => size > settings.CdCapacityMb * 1024L * 1024L ? DiscKind.DVD : DiscKind.CD,
        };
        var discType = kind.ToString();

        var label = await LabelAsync(job, settings.LabelDateFormat, ct);
        var labelFile = string.IsNullOrEmpty(settings.LabelFile) ? null : settings.LabelFile;
        if (labelFile is not null && BurnerSettings.LabelProblem(settings.Manufacturer, labelFile) is { } labelProblem) throw new BurnerException(labelProblem);
        var datFile = Path.Combine(jobFolder, "DAT" + requestName[2..] + ".DAT");
        // The request names every path as the disc software's machine sees it.
        var paths = DiscPathMapper.From(settings);
        var request = new DiscRequest(requestName, DiscRequestWriter.DiscTypeValue(settings.Manufacturer, kind),
            viewer is null ? null : paths.Map(viewer), paths.Map(dicomFolder), labelFile is null ? null : paths.Map(labelFile), paths.Map(datFile), label)
        {
            Copies = settings.Copies,
            Publisher = settings.EpsonPublisher,
            OutStacker = settings.EpsonOutStacker,
            VolumeLabel = settings.VolumeLabel,
        };
        string text;
        if (settings.Manufacturer == DiscProducer.Epson)
        {
            if (labelFile is not null) await AtomicFile.WriteAllBytesAsync(datFile, DiscRequestWriter.Encode(DiscRequestWriter.EpsonDat(label), settings.FileEncoding), ct);
            text = DiscRequestWriter.EpsonJdf(request);
        }
        else
        {
            text = DiscRequestWriter.PrimeraJrq(request);
        }
        // Temp name + rename in the monitored folder itself: the disc software only ever sees a complete request.
        await AtomicFile.WriteAllBytesAsync(Path.Combine(monitored, requestName + DiscRequestWriter.RequestExtension(settings.Manufacturer)),
            DiscRequestWriter.Encode(text, settings.FileEncoding), ct);
        logger.LogInformation("Burn job {Job}: request {Request} ({DiscType}, {Size} bytes) written", job.Id, requestName, discType, size);
        return new Result(requestName, monitored, jobFolder, discType, size);
    }

    /// <summary>The label fields, read fresh from Orthanc: per study its date, description, accession and modalities.</summary>
    private async Task<DiscLabel> LabelAsync(BurnerJob job, string dateFormat, CancellationToken ct)
    {
        var studies = new List<LabelStudy>();
        OrthancStudy? first = null;
        foreach (var id in job.StudyIds)
        {
            var study = await orthanc.GetStudyAsync(id, ct);
            first ??= study;
            var series = await orthanc.GetStudySeriesAsync(id, ct);
            var modalities = string.Join(",", series.Select(s => s.Tag("Modality")).Where(m => m.Length > 0).Distinct());
            studies.Add(new LabelStudy(BurnerJobService.DicomDate(study.Tag("StudyDate"), dateFormat), study.Tag("StudyDescription"), study.Tag("AccessionNumber"), modalities));
        }
        return new DiscLabel(first!.Tag("PatientName"), first.Tag("PatientID"), BurnerJobService.DicomDate(first.Tag("PatientBirthDate"), dateFormat), studies);
    }

    /// <summary>Unpacks entry by entry (streamed), refusing any entry that would land outside the target (zip slip).</summary>
    public static async Task UnzipAsync(string zipPath, string target, CancellationToken ct)
    {
        var root = Path.GetFullPath(target) + Path.DirectorySeparatorChar;
        using var archive = ZipFile.OpenRead(zipPath);
        foreach (var entry in archive.Entries)
        {
            ct.ThrowIfCancellationRequested();
            var destination = Path.GetFullPath(Path.Combine(root, entry.FullName.Replace('\\', '/')));
            if (!destination.StartsWith(root, StringComparison.Ordinal))
                throw new BurnerException(L["The media archive has an entry outside its folder ('{0}'); refused.", entry.FullName]);
            if (entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\'))
            {
                Directory.CreateDirectory(destination);
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            await using var source = entry.Open();
            await using var file = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await source.CopyToAsync(file, ct);
        }
    }

    public static long FolderSize(string folder)
        => new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
}
