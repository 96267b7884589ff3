using System.IO.Compression;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure;

namespace OrthancPortal.Features.Import;

[JsonConverter(typeof(JsonStringEnumConverter<ImportStatus>))]
public enum ImportStatus { Stored, AlreadyPresent, Skipped, Error }

/// <summary>What became of one file (or one zip entry).</summary>
public sealed record ImportResult(string File, ImportStatus Status, string? Reason, long Bytes, string? StudyId);

/// <summary>
/// Imports one uploaded file: a DICOM file streams straight on to Orthanc; a zip is spooled to the data folder
/// (size-limited), and each entry streams to Orthanc. Anything else is reported as skipped, never an error
/// that stops the import. Entries are never written to disk by their names, and unsafe names are refused.
/// </summary>
public sealed class ImportService(OrthancClient orthanc, AuditLog audit, IOptions<ImportOptions> options, IOptions<PortalOptions> portal, ILogger<ImportService> logger)
{
    private const int PreambleLength = 132;
    private ImportOptions Limits => options.Value;

    public async Task<IReadOnlyList<ImportResult>> ImportAsync(string fileName, Stream body, long? length, CancellationToken ct)
    {
        if (length > Math.Max(Limits.MaxFileBytes, Limits.MaxZipBytes))
        {
            return [new(fileName, ImportStatus.Error, $"Larger than the limit of {Megabytes(Math.Max(Limits.MaxFileBytes, Limits.MaxZipBytes))}.", length.Value, null)];
        }
        var head = await ReadHeadAsync(body, ct);
        if (IsZip(head))
        {
            return await ImportZipAsync(fileName, new PrefixedStream(head, body), ct);
        }
        var result = await ImportOneAsync(fileName, head, body, length, ct);
        await AuditAsync([result], ct);
        return [result];
    }

    private async Task<ImportResult> ImportOneAsync(string name, byte[] head, Stream rest, long? length, CancellationToken ct)
    {
        if (!IsDicom(head)) return new(name, ImportStatus.Skipped, "Not a DICOM file.", length ?? head.Length, null);
        if (length > Limits.MaxFileBytes) return new(name, ImportStatus.Error, $"Larger than the limit of {Megabytes(Limits.MaxFileBytes)}.", length.Value, null);
        var counted = new LimitedStream(new PrefixedStream(head, rest), Limits.MaxFileBytes);
        try
        {
            var stored = await orthanc.StoreInstanceAsync(counted, length, ct);
            var status = stored.Status == "AlreadyStored" ? ImportStatus.AlreadyPresent : ImportStatus.Stored;
            return new(name, status, null, counted.Position, stored.ParentStudy);
        }
        catch (Exception ex) when (IsLimit(ex))
        {
            return new(name, ImportStatus.Error, $"Larger than the limit of {Megabytes(Limits.MaxFileBytes)}.", counted.Position, null);
        }
        catch (OrthancException ex)
        {
            return new(name, ImportStatus.Error, ex.Message, counted.Position, null);
        }
    }

    private async Task<IReadOnlyList<ImportResult>> ImportZipAsync(string zipName, Stream body, CancellationToken ct)
    {
        var spool = Path.Combine(portal.Value.SubFolder("import-spool"), $"{Guid.NewGuid():N}.zip");
        var results = new List<ImportResult>();
        try
        {
            long size;
            await using (var file = new FileStream(spool, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                try { await new LimitedStream(body, Limits.MaxZipBytes).CopyToAsync(file, 81920, ct); }
                catch (LimitExceededException)
                {
                    return [new(zipName, ImportStatus.Error, $"Zip larger than the limit of {Megabytes(Limits.MaxZipBytes)}.", file.Length, null)];
                }
                size = file.Length;
            }
            ZipArchive zip;
            try { zip = new ZipArchive(File.OpenRead(spool), ZipArchiveMode.Read); }
            catch (InvalidDataException ex)
            {
                return [new(zipName, ImportStatus.Error, $"Broken zip file: {ex.Message}", size, null)];
            }
            using (zip)
            {
                foreach (var entry in zip.Entries)
                {
                    if (entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\')) continue;
                    var name = $"{zipName}/{entry.FullName}";
                    results.Add(await ImportEntryAsync(entry, name, ct));
                }
            }
            if (results.Count == 0) results.Add(new(zipName, ImportStatus.Skipped, "The zip holds no files.", size, null));
        }
        catch (InvalidDataException ex)
        {
            results.Add(new(zipName, ImportStatus.Error, $"Broken zip file: {ex.Message}", 0, null));
        }
        finally
        {
            try { File.Delete(spool); }
            catch (IOException ex) { logger.LogWarning(ex, "Could not delete the import spool file {File}", spool); }
        }
        await AuditAsync(results, ct);
        return results;
    }

    private async Task<ImportResult> ImportEntryAsync(ZipArchiveEntry entry, string name, CancellationToken ct)
    {
        if (!IsSafeEntryName(entry.FullName)) return new(name, ImportStatus.Error, "Unsafe path in the zip (absolute or with '..'); not imported.", entry.Length, null);
        if (entry.Length > Limits.MaxFileBytes) return new(name, ImportStatus.Error, $"Larger than the limit of {Megabytes(Limits.MaxFileBytes)}.", entry.Length, null);
        try
        {
            await using var stream = entry.Open();
            var head = await ReadHeadAsync(stream, ct);
            if (IsZip(head)) return new(name, ImportStatus.Skipped, "A zip inside a zip is not unpacked.", entry.Length, null);
            return await ImportOneAsync(name, head, stream, entry.Length, ct);
        }
        catch (InvalidDataException ex)
        {
            return new(name, ImportStatus.Error, $"Broken zip entry: {ex.Message}", entry.Length, null);
        }
    }

    // HttpClient wraps a failure of the request body in its own exceptions.
    private static bool IsLimit(Exception? ex) => ex is not null && (ex is LimitExceededException || IsLimit(ex.InnerException));

    /// <summary>Zip-slip guard: relative names only, no parent steps, no drive letters.</summary>
    public static bool IsSafeEntryName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.StartsWith('/') || name.StartsWith('\\') || (name.Length > 1 && name[1] == ':')) return false;
        return name.Split('/', '\\').All(part => part != "..");
    }

    public static bool IsDicom(byte[] head) => head.Length >= PreambleLength && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M';

    private static bool IsZip(byte[] head) => head.Length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;

    private static async Task<byte[]> ReadHeadAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[PreambleLength];
        var read = await stream.ReadAtLeastAsync(buffer, PreambleLength, throwOnEndOfStream: false, ct);
        return read == PreambleLength ? buffer : buffer[..read];
    }

    private async Task AuditAsync(IReadOnlyList<ImportResult> results, CancellationToken ct)
    {
        foreach (var r in results.Where(r => r.Status is ImportStatus.Stored or ImportStatus.Error))
        {
            await audit.WriteAsync("import.file", r.File, r.Status == ImportStatus.Stored ? $"study {r.StudyId}, {r.Bytes} bytes" : r.Reason,
                success: r.Status == ImportStatus.Stored, ct: ct);
        }
    }

    private static string Megabytes(long bytes) => $"{bytes / (1024 * 1024):N0} MB";
}
