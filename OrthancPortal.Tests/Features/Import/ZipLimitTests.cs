using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using OrthancPortal.Features.Import;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Import;

/// <summary>The default per-file and ratio limits; the total is lowered so a zip over it is cheap to build.</summary>
public sealed class ZipLimitFixture : PortalFixture
{
    public const long MaxZipTotalBytes = 320L * 1024 * 1024;
    protected override IDictionary<string, string?> PortalSettings => new Dictionary<string, string?>
    {
        ["Import:MaxZipTotalBytes"] = MaxZipTotalBytes.ToString(),
    };
}

/// <summary>Zip bombs and lying headers: refused with a reason, and nothing of them reaches Orthanc.</summary>
public sealed class ZipLimitTests(ZipLimitFixture fixture) : IClassFixture<ZipLimitFixture>, IDisposable
{
    private sealed record Result(string File, ImportStatus Status, string? Reason, long Bytes, string? StudyId);

    private readonly string folder = TestEnvironment.NewTempFolder("zips");

    public void Dispose() => TestEnvironment.DeleteQuietly(folder);

    [Fact]
    public async Task A_bomb_entry_is_refused_with_a_reason_and_the_other_entries_are_imported()
    {
        var files = ContentTestData.Files(TestDicom.Study(TestDicom.Patient("BOMB-1", "Bomb^Beside"), "CT", instances: 2));
        const long bombBytes = 300L * 1024 * 1024;
        var zip = await WriteZipAsync("bomb.zip",
            ("images/1.dcm", s => s.WriteAsync(files[0]).AsTask()),
            // Starts like a DICOM file, so only the limits keep it from Orthanc.
            ("images/bomb.dcm", s => WriteZerosAsync(s, bombBytes)),
            ("images/2.dcm", s => s.WriteAsync(files[1]).AsTask()));
        new FileInfo(zip).Length.ShouldBeLessThan(2 * 1024 * 1024, "the bomb packs tightly");
        var before = await InstanceCountAsync();
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);

        var results = await UploadAsync(user, zip);

        results.Select(r => (r.File, r.Status)).ShouldBe([
            ("bomb.zip/images/1.dcm", ImportStatus.Stored), ("bomb.zip/images/bomb.dcm", ImportStatus.Error), ("bomb.zip/images/2.dcm", ImportStatus.Stored)]);
        results[1].Reason!.ShouldContain("zip bomb");
        results[1].Reason!.ShouldContain("100:1");
        (await InstanceCountAsync()).ShouldBe(before + 2);
    }

    [Fact]
    public async Task A_zip_declaring_more_than_the_total_limit_is_refused_whole()
    {
        var files = ContentTestData.Files(TestDicom.Study(TestDicom.Patient("BOMB-2", "Total^Over"), "MR", instances: 2));
        var zip = await WriteZipAsync("total.zip",
            ("1.dcm", s => s.WriteAsync(files[0]).AsTask()),
            ("2.dcm", s => s.WriteAsync(files[1]).AsTask()),
            ("big.bin", s => s.WriteAsync(new byte[1000]).AsTask()));
        // The header claims what a real entry of that size would; the entry's bytes are never read.
        SetDeclaredSize(zip, "big.bin", (uint)(ZipLimitFixture.MaxZipTotalBytes + 1));
        var before = await InstanceCountAsync();
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);

        var result = (await UploadAsync(user, zip)).Single();

        result.File.ShouldBe("total.zip");
        result.Status.ShouldBe(ImportStatus.Error);
        result.Reason!.ShouldContain("more than the limit of 320 MB");
        result.Reason!.ShouldContain("nothing in it was imported");
        (await InstanceCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task An_entry_that_unpacks_to_more_or_less_than_its_header_declares_never_reaches_Orthanc()
    {
        var files = ContentTestData.Files(TestDicom.Study(TestDicom.Patient("BOMB-3", "Header^Liar"), "CT", instances: 3));
        var zip = await WriteZipAsync("liar.zip",
            ("short.dcm", s => s.WriteAsync(files[0]).AsTask()),
            ("long.dcm", s => s.WriteAsync(files[1]).AsTask()),
            ("honest.dcm", s => s.WriteAsync(files[2]).AsTask()));
        // Declared sizes that pass every limit: Orthanc would get a complete body of that length if the bytes were not counted.
        SetDeclaredSize(zip, "short.dcm", (uint)files[0].Length - 64);
        SetDeclaredSize(zip, "long.dcm", (uint)files[1].Length + 64);
        var before = await InstanceCountAsync();
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);

        var results = await UploadAsync(user, zip);

        results.Select(r => (r.File, r.Status)).ShouldBe([
            ("liar.zip/short.dcm", ImportStatus.Error), ("liar.zip/long.dcm", ImportStatus.Error), ("liar.zip/honest.dcm", ImportStatus.Stored)]);
        results[0].Reason!.ShouldContain("does not match the checksum");
        results[1].Reason!.ShouldContain("ends after");
        (await InstanceCountAsync()).ShouldBe(before + 1);
    }

    private async Task<long> InstanceCountAsync() => (await fixture.Local.GetJsonAsync("statistics"))["CountInstances"]!.GetValue<long>();

    /// <summary>Streams the zip from disk: a test must not hold a bomb in memory either.</summary>
    private static async Task<List<Result>> UploadAsync(HttpClient client, string zip)
    {
        await using var file = File.OpenRead(zip);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/import/file") { Content = new StreamContent(file) };
        request.Headers.Add(ImportEndpoints.FileNameHeader, Uri.EscapeDataString(Path.GetFileName(zip)));
        var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<List<Result>>())!;
    }

    private async Task<string> WriteZipAsync(string name, params (string Entry, Func<Stream, Task> Write)[] entries)
    {
        var path = Path.Combine(folder, name);
        await using var file = File.Create(path);
        using var archive = new ZipArchive(file, ZipArchiveMode.Create);
        foreach (var (entry, write) in entries)
        {
            await using var stream = archive.CreateEntry(entry, CompressionLevel.SmallestSize).Open();
            await write(stream);
        }
        return path;
    }

    /// <summary>A DICOM preamble and magic, then zeros, written in chunks.</summary>
    private static async Task WriteZerosAsync(Stream stream, long total)
    {
        var chunk = new byte[1024 * 1024];
        "DICM"u8.CopyTo(chunk.AsSpan(128));
        await stream.WriteAsync(chunk);
        Array.Clear(chunk);
        for (long written = chunk.Length; written < total; written += chunk.Length) await stream.WriteAsync(chunk);
    }

    /// <summary>Rewrites an entry's uncompressed size in its local header and its central directory record (APPNOTE 4.3.7, 4.3.12).</summary>
    private static void SetDeclaredSize(string zip, string entry, uint size)
    {
        var bytes = File.ReadAllBytes(zip);
        var name = Encoding.UTF8.GetBytes(entry);
        var patched = 0;
        for (var i = 0; i + 46 <= bytes.Length; i++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i));
            // Local file header: name length at 26, name at 30, uncompressed size at 22.
            if (signature == 0x04034b50 && Named(i + 26, i + 30)) { BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 22), size); patched++; }
            // Central directory header: name length at 28, name at 46, uncompressed size at 24.
            if (signature == 0x02014b50 && Named(i + 28, i + 46)) { BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 24), size); patched++; }
        }
        patched.ShouldBe(2, $"the local and central headers of {entry}");
        File.WriteAllBytes(zip, bytes);

        bool Named(int lengthAt, int nameAt) => BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(lengthAt)) == name.Length
            && nameAt + name.Length <= bytes.Length && bytes.AsSpan(nameAt, name.Length).SequenceEqual(name);
    }
}
