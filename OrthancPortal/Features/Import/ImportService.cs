using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Files;
using OrthancPortal.Infrastructure.Text;

namespace OrthancPortal.Features.Import;

[JsonConverter(typeof(JsonStringEnumConverter<ImportStatus>))]
public enum ImportStatus { Stored, AlreadyPresent, Skipped, Error }

/// <summary>What became of one file (or one zip entry).</summary>
public sealed record ImportResult(string File, ImportStatus Status, string? Reason, long Bytes, string? StudyId);

/// <summary>
/// Imports one uploaded file: a DICOM file streams straight on to Orthanc; a zip is spooled to the data folder
/// (size-limited), and each entry streams to Orthanc. Anything else is reported as skipped, never an error
/// that stops the import. Entries are never written to disk by their names, and unsafe names are refused.
/// Zip bombs: a zip declaring more than <see cref="ImportOptions.MaxZipTotalBytes"/> is refused whole, an entry
/// packed tighter than <see cref="ImportOptions.MaxCompressionRatio"/> is refused, and every entry must unpack to
/// exactly the size and checksum it declares (checked on the bytes read, before its last byte reaches Orthanc), so the
/// declared sizes that the limits were checked on are the sizes Orthanc receives.
/// </summary>
public sealed class ImportService(OrthancClient orthanc, AuditLog audit, IOptions<ImportOptions> options, WorkFolders work, ILogger<ImportService> logger)
{
    private const int PreambleLength = 132;
    private ImportOptions Limits => options.Value;

    /// <param name="timings">Where the time went (for the Server-Timing header); null when nobody asks.</param>
    public async Task<IReadOnlyList<ImportResult>> ImportAsync(string fileName, Stream body, long? length, CancellationToken ct, ImportTimings? timings = null)
    {
        timings ??= new ImportTimings();
        body = new TimedReadStream(body, timings);
        if (length > Math.Max(Limits.MaxFileBytes, Limits.MaxZipBytes))
        {
            return [new(fileName, ImportStatus.Error, $"Larger than the limit of {ByteSize.Format(Math.Max(Limits.MaxFileBytes, Limits.MaxZipBytes))}.", length.Value, null)];
        }
        var head = await ReadHeadAsync(body, ct);
        if (IsZip(head))
        {
            return await ImportZipAsync(fileName, new PrefixedStream(head, body), timings, ct);
        }
        var result = await ImportOneAsync(fileName, head, body, length, timings, ct);
        await AuditAsync([result], timings);
        return [result];
    }

    private async Task<ImportResult> ImportOneAsync(string name, byte[] head, Stream rest, long? length, ImportTimings timings, CancellationToken ct)
    {
        if (!IsDicom(head)) return new(name, ImportStatus.Skipped, "Not a DICOM file.", length ?? head.Length, null);
        if (length > Limits.MaxFileBytes) return new(name, ImportStatus.Error, $"Larger than the limit of {ByteSize.Format(Limits.MaxFileBytes)}.", length.Value, null);
        var counted = new LimitedStream(new PrefixedStream(head, rest), Limits.MaxFileBytes, $"Larger than the limit of {ByteSize.Format(Limits.MaxFileBytes)}.");
        var start = Stopwatch.GetTimestamp();
        var readBefore = timings.ReadRequestTicks;
        try
        {
            var stored = await orthanc.StoreInstanceAsync(counted, length, ct);
            var status = stored.Status == "AlreadyStored" ? ImportStatus.AlreadyPresent : ImportStatus.Stored;
            return new(name, status, null, counted.Position, stored.ParentStudy);
        }
        catch (Exception ex) when (Find<LimitExceededException>(ex) is { } limit)
        {
            return new(name, ImportStatus.Error, limit.Message, counted.Position, null);
        }
        catch (Exception ex) when (Find<InvalidDataException>(ex) is { } broken)
        {
            return new(name, ImportStatus.Error, $"Broken zip entry: {broken.Message}", counted.Position, null);
        }
        catch (OrthancException ex)
        {
            return new(name, ImportStatus.Error, ex.Message, counted.Position, null);
        }
        finally
        {
            timings.AddOrthanc(Stopwatch.GetTimestamp() - start - (timings.ReadRequestTicks - readBefore));
        }
    }

    private async Task<IReadOnlyList<ImportResult>> ImportZipAsync(string zipName, Stream body, ImportTimings timings, CancellationToken ct)
    {
        var spool = Path.Combine(await work.GetAsync("import-spool", ct), $"{Guid.NewGuid():N}.zip");
        var results = new List<ImportResult>();
        try
        {
            long size;
            await using (var file = new FileStream(spool, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                try { await new LimitedStream(body, Limits.MaxZipBytes, $"Zip larger than the limit of {ByteSize.Format(Limits.MaxZipBytes)}.").CopyToAsync(file, 81920, ct); }
                catch (LimitExceededException ex)
                {
                    return [new(zipName, ImportStatus.Error, ex.Message, file.Length, null)];
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
                // Summed as decimal: a hostile zip64 directory can declare sizes whose sum overflows a long.
                var declared = zip.Entries.Where(IsFile).Sum(e => (decimal)e.Length);
                if (declared > Limits.MaxZipTotalBytes)
                {
                    results.Add(new(zipName, ImportStatus.Error,
                        $"The zip unpacks to {ByteSize.Format((long)Math.Min(declared, long.MaxValue))}, more than the limit of {ByteSize.Format(Limits.MaxZipTotalBytes)}; nothing in it was imported.", size, null));
                    await AuditAsync(results, timings);
                    return results;
                }
                foreach (var entry in zip.Entries.Where(IsFile))
                {
                    var name = $"{zipName}/{entry.FullName}";
                    results.Add(await ImportEntryAsync(entry, name, timings, ct));
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
        await AuditAsync(results, timings);
        return results;
    }

    private static bool IsFile(ZipArchiveEntry entry) => !entry.FullName.EndsWith('/') && !entry.FullName.EndsWith('\\');

    private async Task<ImportResult> ImportEntryAsync(ZipArchiveEntry entry, string name, ImportTimings timings, CancellationToken ct)
    {
        if (!IsSafeEntryName(entry.FullName)) return new(name, ImportStatus.Error, "Unsafe path in the zip (absolute or with '..'); not imported.", entry.Length, null);
        if (entry.Length > Limits.MaxFileBytes) return new(name, ImportStatus.Error, $"Larger than the limit of {ByteSize.Format(Limits.MaxFileBytes)}.", entry.Length, null);
        if (entry.Length > Limits.CompressionRatioFloorBytes && entry.Length > (double)Math.Max(entry.CompressedLength, 1) * Limits.MaxCompressionRatio)
        {
            var ratio = entry.Length / (double)Math.Max(entry.CompressedLength, 1);
            return new(name, ImportStatus.Error, $"Refused as a possible zip bomb: {ByteSize.Format(entry.Length)} packed into {entry.CompressedLength:N0} bytes ({ratio:N0}:1), "
                + $"more than the limit of {Limits.MaxCompressionRatio}:1; not imported.", entry.Length, null);
        }
        try
        {
            await using var stream = new DeclaredLengthStream(entry.Open(), entry.Length, entry.Crc32);
            var head = await ReadHeadAsync(stream, ct);
            if (IsZip(head)) return new(name, ImportStatus.Skipped, "A zip inside a zip is not unpacked.", entry.Length, null);
            return await ImportOneAsync(name, head, stream, entry.Length, timings, ct);
        }
        catch (InvalidDataException ex)
        {
            return new(name, ImportStatus.Error, $"Broken zip entry: {ex.Message}", entry.Length, null);
        }
        catch (LimitExceededException ex)
        {
            return new(name, ImportStatus.Error, ex.Message, entry.Length, null);
        }
    }

    // HttpClient wraps a failure of the request body in its own exceptions.
    private static T? Find<T>(Exception? ex) where T : Exception => ex switch
    {
        null => null,
        T match => match,
        _ => Find<T>(ex.InnerException),
    };

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

    private async Task AuditAsync(IReadOnlyList<ImportResult> results, ImportTimings timings)
    {
        var start = Stopwatch.GetTimestamp();
        var items = results.Where(r => r.Status is ImportStatus.Stored or ImportStatus.Error)
            .Select(r => new AuditItem("import.file", r.File, r.Status == ImportStatus.Stored ? $"study {r.StudyId}, {r.Bytes} bytes" : r.Reason, r.Status == ImportStatus.Stored))
            .ToList();
        // One transaction for all the entries of a zip. Not cancelled with the request: the files are in Orthanc
        // by now, so a client that hangs up must not leave them unaudited.
        await audit.WriteAsync(items, CancellationToken.None);
        timings.AddAudit(Stopwatch.GetTimestamp() - start);
    }

}
