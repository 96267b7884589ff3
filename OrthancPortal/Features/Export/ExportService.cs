using System.Text;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Tasks;
using System.Security.Cryptography;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Files;
using OrthancPortal.Infrastructure.Text;

namespace OrthancPortal.Features.Export;

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ArchiveFormat>))]
public enum ArchiveFormat { Zip, Dicomdir }

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ExportTargetKind>))]
public enum ExportTargetKind { Modality, Peer, Destination }

/// <summary>Where an export goes: an Orthanc modality or peer (by name), or a portal destination (by id).</summary>
public sealed record ExportTarget(ExportTargetKind Kind, string? Name = null, long? DestinationId = null, ArchiveFormat Format = ArchiveFormat.Zip, string? Transcode = null);

/// <summary>What a task recorded about the archive it built: a retry reuses the file only while it is exactly this.</summary>
public sealed record ArchiveCheckpoint(string File, long Size, string Sha256);

/// <summary>How a task keeps its archive between attempts: its work key names the file, its checkpoint vouches for it.</summary>
public sealed record ArchiveResume(string WorkKey, ArchiveCheckpoint? Saved, Func<ArchiveCheckpoint, Task> SaveAsync);

/// <summary>
/// Sends Orthanc resources anywhere the portal can send: C-STORE to a modality and peers (Orthanc jobs), or an
/// archive (zip / DICOMDIR, optionally transcoded) to a WebDAV, SFTP, FTP(S) or folder destination.
/// Used by the Export basket and by automation rules.
/// </summary>
public sealed class ExportService(OrthancClient orthanc, DestinationStore destinations, RemoteUploader uploader, AuditLog audit,
    WorkFolders work, TimeProvider clock, IStringLocalizer<ExportService> L)
{
    /// <summary>Progress callback: fraction 0..1 and a text (bytes sent, for archives).</summary>
    public delegate Task ExportProgress(double fraction, string text);

    /// <summary>Sends the resources (Orthanc ids of patients, studies or series) to the target. Throws <see cref="TaskFailedException"/> with the reason.</summary>
    /// <param name="resume">Keeps the archive between attempts (a task passes its id and checkpoint): a retry then reuses the same bytes and resumes the upload.</param>
    public async Task SendAsync(IReadOnlyList<string> orthancIds, ExportTarget target, Actor actor, ExportProgress? progress = null, CancellationToken ct = default,
        string? archiveName = null, ArchiveResume? resume = null)
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
                await SendArchiveAsync(orthancIds, target, creds, archiveName, resume, progress, ct);
                break;
        }
        await audit.WriteAsync(actor, "export", where, $"{orthancIds.Count} resources: {string.Join(", ", orthancIds)}", ct: ct);
    }

    private async Task FollowJobAsync(OrthancJobStarted job, ExportProgress progress, CancellationToken ct)
    {
        try
        {
            await orthanc.WaitForJobAsync(job.ID, f => progress(f, L["{0:P0} sent", f]), ct: ct);
        }
        catch (OrthancException ex)
        {
            throw new TaskFailedException(ex.Message);
        }
    }

    /// <summary>
    /// Builds the archive into a work file (streamed), then uploads it. With <paramref name="resume"/>, a complete archive
    /// from a failed attempt is reused and its upload resumed, but only when the file is exactly the one the task recorded
    /// (name, size and SHA-256): a rebuilt archive may differ byte for byte, and a file of the same name may be anything.
    /// </summary>
    private async Task SendArchiveAsync(IReadOnlyList<string> ids, ExportTarget target, DestinationCredentials creds, string? archiveName, ArchiveResume? resume,
        ExportProgress progress, CancellationToken ct)
    {
        var name = FileNames.Safe(archiveName ?? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"export-{clock.GetUtcNow().UtcDateTime:yyyyMMdd-HHmmss}"), "export") + ".zip";
        var temp = Path.Combine(await work.GetAsync("export-temp", ct), $"{(resume is null ? Guid.NewGuid().ToString("N") : FileNames.Safe(resume.WorkKey, "export"))}.zip");
        var reuse = resume?.Saved is { } saved && await MatchesAsync(temp, saved, ct);
        var keep = false;
        var succeeded = false;
        try
        {
            var lastReport = DateTime.MinValue;
            if (!reuse)
            {
                long received = 0;
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                using (var response = await OpenArchiveAsync(ids, target.Format, target.Transcode, ct))
                await using (var body = await response.Content.ReadAsStreamAsync(ct))
                {
                    var buffer = new byte[81920];
                    int read;
                    while ((read = await body.ReadAsync(buffer, ct)) > 0)
                    {
                        await file.WriteAsync(buffer.AsMemory(0, read), ct);
                        hash.AppendData(buffer, 0, read);
                        received += read;
                        if (Throttle(ref lastReport)) await progress(0, L["Building the archive: {0}", ByteSize.Format(received)]);
                    }
                }
                if (resume is not null)
                {
                    await resume.SaveAsync(new ArchiveCheckpoint(Path.GetFileName(temp), received, Convert.ToHexString(hash.GetHashAndReset())));
                    keep = true;
                }
            }
            else keep = true;
            var size = new FileInfo(temp).Length;
            lastReport = DateTime.MinValue;
            await uploader.UploadAsync(creds, temp, name, sent =>
                Throttle(ref lastReport) || sent == size ? progress(size == 0 ? 1 : (double)sent / size, L["{0} of {1} sent", ByteSize.Format(sent), ByteSize.Format(size)]) : Task.CompletedTask, ct, reuse);
            succeeded = true;
        }
        finally
        {
            // Keep a task's finished, recorded archive for its retry; everything else goes.
            if (succeeded || !keep) File.Delete(temp);
        }
    }

    private static async Task<bool> MatchesAsync(string file, ArchiveCheckpoint saved, CancellationToken ct)
    {
        var info = new FileInfo(file);
        if (saved.File != info.Name || !info.Exists || info.Length != saved.Size) return false;
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        return Convert.ToHexString(await SHA256.HashDataAsync(stream, ct)) == saved.Sha256;
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

}
