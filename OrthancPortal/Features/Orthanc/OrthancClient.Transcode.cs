using System.Buffers.Binary;
using System.Text;

namespace OrthancPortal.Features.Orthanc;

/// <summary>Checks that Orthanc really transcodes before an archive is built with a transcode.</summary>
public sealed partial class OrthancClient
{
    /// <summary>
    /// Orthanc writes an instance it cannot transcode into an archive unchanged, without an error (seen on 1.10.1 and
    /// 1.12.7: a 16-bit CT to JPEG Baseline, JPEG 2000 without the GDCM plugin). So before an archive is built, the
    /// first instance of every series in <paramref name="resourceIds"/> (patients, studies or series) is put into a
    /// one-file archive with the same transcode, and the transfer syntax it comes back in is compared with the one asked for. Throws an <see cref="OrthancException"/> (BadRequest) naming the series.
    /// </summary>
    public async Task EnsureTranscodableAsync(IEnumerable<string> resourceIds, string transferSyntax, CancellationToken ct = default)
    {
        var name = TranscodeTargets.FirstOrDefault(t => t.Uid == transferSyntax).Name ?? transferSyntax;
        foreach (var seriesId in (await SeriesUnderAsync(resourceIds, ct)).Distinct())
        {
            var series = await GetSeriesAsync(seriesId, ct);
            if (series.Instances.Count == 0) continue;
            string? written;
            try
            {
                // The archive route, not instance-level /modify: that is the code path the real archive takes, and
                // /modify with a GDCM transcode to JPEG 2000 crashed Orthanc 1.12.7 here.
                using var response = await PostStreamingAsync("tools/create-archive",
                    System.Net.Http.Json.JsonContent.Create(new { Resources = new[] { Id(series.Instances[0]) }, Transcode = transferSyntax, Synchronous = true }, options: Json), ct);
                written = await ReadTransferSyntaxFromArchiveAsync(response, ct);
            }
            catch (OrthancException ex) when (ex.Failure is not OrthancFailure.Unreachable and not OrthancFailure.Timeout)
            {
                written = null;
            }
            if (written != transferSyntax)
            {
                var what = $"{series.Tag("Modality")} series {series.Tag("SeriesNumber")} {series.Tag("SeriesDescription")}".Trim();
                throw new OrthancException(OrthancFailure.BadRequest,
                    $"Orthanc cannot write {what} as {name}{(written is null ? "" : $" (it would keep {written})")}. Choose another transfer syntax or keep it as stored.");
            }
        }
    }

    /// <summary>The series of each resource, whatever its level (an Orthanc id does not say which level it is).</summary>
    private async Task<List<string>> SeriesUnderAsync(IEnumerable<string> resourceIds, CancellationToken ct)
    {
        var all = new List<string>();
        foreach (var id in resourceIds)
        {
            var found = false;
            foreach (var level in new[] { "studies", "patients" })
            {
                try
                {
                    all.AddRange((await GetAsync<IReadOnlyList<OrthancSeries>>($"{level}/{Id(id)}/series", ct)).Select(s => s.ID));
                    found = true;
                    break;
                }
                catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound) { }
            }
            if (!found) all.Add(id);
        }
        return all;
    }

    /// <summary>The transfer syntax of the (only) DICOM file in a one-instance archive.</summary>
    private static async Task<string?> ReadTransferSyntaxFromArchiveAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var zip = new MemoryStream();
        await (await response.Content.ReadAsStreamAsync(ct)).CopyToAsync(zip, ct);
        zip.Position = 0;
        using var archive = new System.IO.Compression.ZipArchive(zip);
        var entry = archive.Entries.FirstOrDefault(e => e.Length > 0);
        if (entry is null) return null;
        await using var file = entry.Open();
        var head = new byte[16 * 1024];
        var length = 0;
        int read;
        while (length < head.Length && (read = await file.ReadAsync(head.AsMemory(length), ct)) > 0) length += read;
        return TransferSyntaxOf(head.AsSpan(0, length));
    }

    /// <summary>Transfer Syntax UID (0002,0010) from the File Meta Information at the start of a DICOM file.</summary>
    internal static string? TransferSyntaxOf(ReadOnlySpan<byte> file)
    {
        // 128-byte preamble, "DICM", then group 0002 in explicit VR little endian.
        if (file.Length < 132 || !file.Slice(128, 4).SequenceEqual("DICM"u8)) return null;
        var at = 132;
        while (at + 8 <= file.Length)
        {
            var group = BinaryPrimitives.ReadUInt16LittleEndian(file[at..]);
            var element = BinaryPrimitives.ReadUInt16LittleEndian(file[(at + 2)..]);
            if (group != 0x0002) return null;
            var vr = Encoding.ASCII.GetString(file.Slice(at + 4, 2));
            int valueAt, valueLength;
            if (vr is "OB" or "OW" or "OF" or "SQ" or "UT" or "UN")
            {
                if (at + 12 > file.Length) return null;
                valueLength = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(file[(at + 8)..]), int.MaxValue);
                valueAt = at + 12;
            }
            else
            {
                valueLength = BinaryPrimitives.ReadUInt16LittleEndian(file[(at + 6)..]);
                valueAt = at + 8;
            }
            if (valueAt + valueLength > file.Length || valueLength < 0) return null;
            if (element == 0x0010) return Encoding.ASCII.GetString(file.Slice(valueAt, valueLength)).TrimEnd('\0', ' ');
            at = valueAt + valueLength;
        }
        return null;
    }
}
