using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using OrthancPortal.Features.Import;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Import;

/// <summary>A portal whose import limit is small, so the limit can be tested with small files.</summary>
public sealed class ImportFixture : PortalFixture
{
    public const int MaxFileBytes = 64 * 1024;
    protected override IDictionary<string, string?> PortalSettings => new Dictionary<string, string?>
    {
        ["Import:MaxFileBytes"] = MaxFileBytes.ToString(),
        ["Import:MaxZipBytes"] = (1024 * 1024).ToString(),
    };
}

public sealed class ImportApiTests(ImportFixture fixture) : IClassFixture<ImportFixture>
{
    private sealed record Result(string File, ImportStatus Status, string? Reason, long Bytes, string? StudyId);

    private static async Task<List<Result>> UploadAsync(HttpClient client, string name, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/import/file") { Content = new ByteArrayContent(body) };
        request.Headers.Add(ImportEndpoints.FileNameHeader, Uri.EscapeDataString(name));
        var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<List<Result>>())!;
    }

    [Fact]
    public async Task DICOM_is_stored_once_then_already_present_and_other_files_are_skipped()
    {
        var study = TestDicom.Study(TestDicom.Patient("IMP-1", "Import^One"), "CT", instances: 1);
        var file = ContentTestData.Files(study)[0];
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);

        var first = (await UploadAsync(user, "dir/a.dcm", file)).Single();
        first.Status.ShouldBe(ImportStatus.Stored);
        first.Bytes.ShouldBe(file.Length);
        (await fixture.Local.Http.GetAsync($"studies/{first.StudyId}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await UploadAsync(user, "dir/a-again.dcm", file)).Single().Status.ShouldBe(ImportStatus.AlreadyPresent);
        var text = (await UploadAsync(user, "notes.txt", Encoding.UTF8.GetBytes("not an image"))).Single();
        text.Status.ShouldBe(ImportStatus.Skipped);
        text.Reason.ShouldBe("Not a DICOM file.");
        (await UploadAsync(user, "empty", [])).Single().Status.ShouldBe(ImportStatus.Skipped);
    }

    [Fact]
    public async Task A_zip_is_unpacked_with_traversal_entries_refused_and_nothing_written_outside_Orthanc()
    {
        var study = TestDicom.Study(TestDicom.Patient("IMP-2", "Import^Zip"), "MR", instances: 2);
        var files = ContentTestData.Files(study);
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            async Task Add(string name, byte[] bytes) { await using var s = archive.CreateEntry(name).Open(); await s.WriteAsync(bytes); }
            await Add("series/1.dcm", files[0]);
            await Add("series/2.dcm", files[1]);
            await Add("readme.txt", Encoding.UTF8.GetBytes("hello"));
            await Add("../../escape.dcm", files[0]);
            archive.CreateEntry("emptyfolder/");
        }
        var before = Directory.GetFiles(fixture.Portal.DataFolder, "*", SearchOption.AllDirectories).Length;
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);

        var results = await UploadAsync(user, "upload.zip", zip.ToArray());

        results.Select(r => (r.File, r.Status)).ShouldBe([
            ("upload.zip/series/1.dcm", ImportStatus.Stored), ("upload.zip/series/2.dcm", ImportStatus.Stored),
            ("upload.zip/readme.txt", ImportStatus.Skipped), ("upload.zip/../../escape.dcm", ImportStatus.Error)]);
        results[3].Reason!.ShouldContain("Unsafe path");
        Directory.GetFiles(fixture.Portal.DataFolder, "*", SearchOption.AllDirectories).Length.ShouldBe(before, "the spooled zip is gone again");
        File.Exists(Path.GetFullPath(Path.Combine(fixture.Portal.DataFolder, "..", "..", "escape.dcm"))).ShouldBeFalse();
    }

    [Fact]
    public async Task Broken_zips_and_files_over_the_limit_are_reported_per_file()
    {
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);
        var broken = (await UploadAsync(user, "broken.zip", [(byte)'P', (byte)'K', 3, 4, 1, 2, 3])).Single();
        broken.Status.ShouldBe(ImportStatus.Error);
        broken.Reason!.ShouldContain("Broken zip");

        var big = new byte[ImportFixture.MaxFileBytes + 10];
        "DICM"u8.CopyTo(big.AsSpan(128));
        var tooBig = (await UploadAsync(user, "big.dcm", big)).Single();
        tooBig.Status.ShouldBe(ImportStatus.Error);
        tooBig.Reason!.ShouldContain("limit");

        var corrupt = new byte[300];
        "DICM"u8.CopyTo(corrupt.AsSpan(128));
        var refused = (await UploadAsync(user, "corrupt.dcm", corrupt)).Single();
        refused.Status.ShouldBe(ImportStatus.Error);
        refused.Reason!.ShouldContain("Orthanc");
    }

    [Fact]
    public async Task An_upload_without_a_file_name_is_refused_with_a_reason()
    {
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);
        var response = await user.PostAsync("api/import/file", new ByteArrayContent([1]));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("X-File-Name");
    }
}
