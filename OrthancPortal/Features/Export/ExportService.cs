using System.Text;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Infrastructure;
using Microsoft.Extensions.Options;

namespace OrthancPortal.Features.Export;

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ArchiveFormat>))]
public enum ArchiveFormat { Zip, Dicomdir }

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ExportTargetKind>))]
public enum ExportTargetKind { Modality, Peer, Destination }

/// <summary>Where an export goes: an Orthanc modality or peer (by name), or a portal destination (by id).</summary>
public sealed record ExportTarget(ExportTargetKind Kind, string? Name = null, long? DestinationId = null, ArchiveFormat Format = ArchiveFormat.Zip, string? Transcode = null);

/// <summary>
/// Sends Orthanc resources anywhere the portal can send: C-STORE to a modality and peers (Orthanc jobs), or an
/// archive (zip / DICOMDIR, optionally transcoded) to a WebDAV, SFTP, FTP(S) or folder destination.
/// Used by the Export basket and by automation rules.
/// </summary>
public sealed class ExportService(OrthancClient orthanc, DestinationStore destinations, RemoteUploader uploader, AuditLog audit,
    IOptions<PortalOptions> portal, TimeProvider clock)
{
    /// <summary>Progress callback: fraction 0..1 and a text (bytes sent, for archives).</summary>
    public delegate Task ExportProgress(double fraction, string text);

    /// <summary>Sends the resources (Orthanc ids of patients, studies or series) to the target. Throws <see cref="TaskFailedException"/> with the reason.</summary>
    /// <param name="workKey">Names the archive kept between attempts (a task passes its id): a retry then reuses the same bytes and resumes the upload.</param>
    public async Task SendAsync(IReadOnlyList<string> orthancIds, ExportTarget target, Actor actor, ExportProgress? progress = null, CancellationToken ct = default,
        string? archiveName = null, string? workKey = null)
    {
        foreach (var id in orthancIds) OrthancClient.Id(id);
        progress ??= (_, _) => Task.CompletedTask;
        string where;
        switch (target.Kind)
        {
            case ExportTargetKind.Modality:
                where = $"modality {target.Name}";
                await FollowJobAsync(await orthanc.StoreToModalityAsync(target.Name!, orthancIds, ct), progress, ct);
                break;
            case ExportTargetKind.Peer:
                where = $"peer {target.Name}";
                await FollowJobAsync(await orthanc.StoreToPeerAsync(target.Name!, orthancIds, ct), progress, ct);
                break;
            default:
                var creds = await destinations.GetAsync(target.DestinationId ?? throw new ArgumentException("No destination given.", nameof(target)), ct);
                where = $"{creds.Destination.Kind} {creds.Destination.Name}";
                await SendArchiveAsync(orthancIds, target, creds, archiveName, workKey, progress, ct);
                break;
        }
        await audit.WriteAsync(actor, "export", where, $"{orthancIds.Count} resources: {string.Join(", ", orthancIds)}", ct: ct);
    }

    private async Task FollowJobAsync(OrthancJobStarted job, ExportProgress progress, CancellationToken ct)
    {
        try
        {
            await orthanc.WaitForJobAsync(job.ID, f => progress(f, $"{f:P0} sent"), ct: ct);
        }
        catch (OrthancException ex)
        {
            throw new TaskFailedException(ex.Message);
        }
    }

    /// <summary>
    /// Builds the archive into a temp file (streamed), then uploads it. With a work key, a complete archive from a failed
    /// attempt is reused and its upload resumed; a rebuilt archive may differ byte for byte, so only then is resuming safe.
    /// </summary>
    private async Task SendArchiveAsync(IReadOnlyList<string> ids, ExportTarget target, DestinationCredentials creds, string? archiveName, string? workKey,
        ExportProgress progress, CancellationToken ct)
    {
        var name = SafeFileName(archiveName ?? $"export-{clock.GetUtcNow().UtcDateTime:yyyyMMdd-HHmmss}") + ".zip";
        var temp = Path.Combine(portal.Value.SubFolder("export-temp"), $"{(workKey is null ? Guid.NewGuid().ToString("N") : SafeFileName(workKey))}.zip");
        var complete = temp + ".complete";
        var resume = workKey is not null && File.Exists(complete) && File.Exists(temp);
        var succeeded = false;
        try
        {
            var lastReport = DateTime.MinValue;
            if (!resume)
            {
                File.Delete(complete);
                long received = 0;
                await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                using (var response = await OpenArchiveAsync(ids, target.Format, target.Transcode, ct))
                await using (var body = await response.Content.ReadAsStreamAsync(ct))
                {
                    var buffer = new byte[81920];
                    int read;
                    while ((read = await body.ReadAsync(buffer, ct)) > 0)
                    {
                        await file.WriteAsync(buffer.AsMemory(0, read), ct);
                        received += read;
                        if (Throttle(ref lastReport)) await progress(0, $"building archive: {Bytes(received)}");
                    }
                }
                await File.WriteAllTextAsync(complete, name, ct);
            }
            var size = new FileInfo(temp).Length;
            lastReport = DateTime.MinValue;
            await uploader.UploadAsync(creds, temp, name, sent =>
                Throttle(ref lastReport) || sent == size ? progress(size == 0 ? 1 : (double)sent / size, $"{Bytes(sent)} of {Bytes(size)} sent") : Task.CompletedTask, ct, resume);
            succeeded = true;
        }
        finally
        {
            // Keep a task's finished archive for its retry; everything else goes.
            if (succeeded || workKey is null || !File.Exists(complete))
            {
                File.Delete(temp);
                File.Delete(complete);
            }
        }
    }

    /// <summary>
    /// Streams an archive of the resources from Orthanc: a hierarchical zip or DICOMDIR media, optionally transcoded.
    /// The caller disposes the response; nothing is buffered in memory. A transcode Orthanc would not do (it would
    /// write the originals) throws an <see cref="OrthancException"/> (BadRequest) before anything is written.
    /// </summary>
    public async Task<HttpResponseMessage> OpenArchiveAsync(IReadOnlyList<string> ids, ArchiveFormat format, string? transcode, CancellationToken ct)
    {
        foreach (var id in ids) OrthancClient.Id(id);
        if (transcode is not null && OrthancClient.TranscodeTargets.All(t => t.Uid != transcode)) throw new ArgumentException($"'{transcode}' is not a transfer syntax the portal offers.", nameof(transcode));
        var body = new Dictionary<string, object> { ["Resources"] = ids, ["Synchronous"] = true };
        if (transcode is not null)
        {
            await orthanc.EnsureTranscodableAsync(ids, transcode, ct);
            body["Transcode"] = transcode;
        }
        var route = format == ArchiveFormat.Dicomdir ? "tools/create-media-extended" : "tools/create-archive";
        return await orthanc.PostStreamingAsync(route, System.Net.Http.Json.JsonContent.Create(body, options: OrthancClient.Json), ct);
    }

    public async Task<string?> TestDestinationAsync(long destinationId, Actor actor, CancellationToken ct = default)
    {
        var creds = await destinations.GetAsync(destinationId, ct);
        var reason = await uploader.TestAsync(creds, ct);
        await audit.WriteAsync(actor, "export.destination.test", creds.Destination.Name, reason ?? "ok", reason is null, ct);
        return reason;
    }

    private static bool Throttle(ref DateTime last)
    {
        var now = DateTime.UtcNow;
        if (now - last < TimeSpan.FromMilliseconds(500)) return false;
        last = now;
        return true;
    }

    public static string Bytes(long n) => n switch
    {
        < 1024 => $"{n} B",
        < 1024 * 1024 => $"{n / 1024.0:0.#} KB",
        < 1024L * 1024 * 1024 => $"{n / 1024.0 / 1024:0.#} MB",
        _ => $"{n / 1024.0 / 1024 / 1024:0.##} GB",
    };

    /// <summary>Values from DICOM end up in file names: keep letters, digits, '-', '_' and '.', never a path.</summary>
    public static string SafeFileName(string value)
    {
        var sb = new StringBuilder();
        foreach (var c in value.Normalize(NormalizationForm.FormKD))
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_') sb.Append(c);
            else if (c is ' ' or '^' or '.' or '/' or '\\') sb.Append('_');
        }
        var name = sb.ToString().Trim('_');
        if (name.Length > 80) name = name[..80];
        return name.Length == 0 ? "export" : name;
    }
}
