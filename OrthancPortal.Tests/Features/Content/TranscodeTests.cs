using System.IO.Compression;
using System.Net;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Dicom;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Content;

/// <summary>Transfer syntaxes of every DICOM file in a zip.</summary>
internal static class ZipSyntaxes
{
    public static List<string?> Of(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip));
        var syntaxes = new List<string?>();
        foreach (var entry in archive.Entries.Where(e => e.Length > 132 && e.Name != "DICOMDIR"))
        {
            using var s = entry.Open();
            var buffer = new MemoryStream();
            s.CopyTo(buffer);
            syntaxes.Add(OrthancClient.TransferSyntaxOf(buffer.ToArray()));
        }
        return syntaxes;
    }

    public const string JpegLossless = "1.2.840.10008.1.2.4.70";
    public const string Jpeg2000 = "1.2.840.10008.1.2.4.90";
}

public sealed class TranscodeTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task A_transcode_Orthanc_would_not_do_is_refused_and_the_menu_offers_only_what_it_writes()
    {
        var studyId = await ContentTestData.StoreAsync(fixture.Local, TestDicom.Study(TestDicom.Patient($"TC{Guid.NewGuid():N}"[..10], "Trans^Code"), "CT", instances: 2));
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);

        var lossless = await user.GetAsync($"content/download/studies/{studyId}?transcode={ZipSyntaxes.JpegLossless}");
        lossless.StatusCode.ShouldBe(HttpStatusCode.OK);
        ZipSyntaxes.Of(await lossless.Content.ReadAsByteArrayAsync()).ShouldAllBe(ts => ts == ZipSyntaxes.JpegLossless);

        // This test Orthanc has no GDCM plugin: asked for JPEG 2000, Orthanc itself zips the originals without a word...
        var silent = await fixture.Local.Http.GetByteArrayAsync($"studies/{studyId}/archive?transcode={ZipSyntaxes.Jpeg2000}");
        ZipSyntaxes.Of(silent).ShouldAllBe(ts => ts == "1.2.840.10008.1.2.1");
        // ...the portal refuses instead, and says why.
        var refused = await user.GetAsync($"content/download/studies/{studyId}?transcode={ZipSyntaxes.Jpeg2000}");
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("Orthanc cannot write CT series 1");

        var html = await user.GetStringAsync($"content/studies/{studyId}");
        // The menu's items render only when it opens: the list it offers is on the menu.
        var offered = System.Text.RegularExpressions.Regex.Match(html, "data-offered=\"([^\"]*)\"").Groups[1].Value.Split(' ');
        offered.ShouldContain(ZipSyntaxes.JpegLossless);
        offered.ShouldNotContain(ZipSyntaxes.Jpeg2000);
    }

    [Fact]
    public void The_transfer_syntax_is_read_from_the_file_meta_header()
    {
        var ds = new DicomDataset().Add(0x0010, 0x0010, "PN", "Meta^Test");
        var file = DicomFileWriter.Write(ds, "1.2.840.10008.5.1.4.1.1.7", DicomFileWriter.NewUid());
        OrthancClient.TransferSyntaxOf(file).ShouldBe("1.2.840.10008.1.2.1");
        OrthancClient.TransferSyntaxOf(file.AsSpan(0, 140)).ShouldBeNull("cut inside the header");
        OrthancClient.TransferSyntaxOf(new byte[300]).ShouldBeNull("no DICM marker");
    }
}

public sealed class LegacyTranscodeTests(LegacyOrthancPortalFixture fixture) : IClassFixture<LegacyOrthancPortalFixture>
{
    [Fact]
    public async Task On_Orthanc_1_10_too_a_transcode_it_cannot_do_is_refused()
    {
        var studyId = await ContentTestData.StoreAsync(fixture.Local, TestDicom.Study(TestDicom.Patient($"TO{Guid.NewGuid():N}"[..10], "Trans^Old"), "MR", instances: 1));
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);
        var lossless = await user.GetAsync($"content/download/studies/{studyId}?transcode={ZipSyntaxes.JpegLossless}");
        lossless.StatusCode.ShouldBe(HttpStatusCode.OK);
        ZipSyntaxes.Of(await lossless.Content.ReadAsByteArrayAsync()).ShouldAllBe(ts => ts == ZipSyntaxes.JpegLossless);
        (await user.GetAsync($"content/download/studies/{studyId}?transcode={ZipSyntaxes.Jpeg2000}")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
