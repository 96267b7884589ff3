using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using OrthancPortal.Features.Access;
using OrthancPortal.Tests.Features.Labels;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Documents;

/// <summary>POST /api/studies/{id}/documents against the real portal and Orthanc 1.12.</summary>
public sealed class DocumentAttachTests(LabelFixture fixture) : IClassFixture<LabelFixture>
{
    private const string EncapsulatedPdf = "1.2.840.10008.5.1.4.1.1.104.1";

    private static MultipartFormDataContent Form(params (string Name, byte[] Bytes, string? Description)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes, description) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
            form.Add(new StringContent(description ?? ""), "description");
        }
        return form;
    }

    private async Task<List<string>> SeriesAsync(string studyId)
        => (await fixture.Local.GetJsonAsync($"studies/{studyId}"))["Series"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();

    [Fact]
    public async Task A_PDF_and_a_PNG_become_two_new_series_with_a_preview_the_original_PDF_and_the_study_UIDs()
    {
        var (_, studies) = await fixture.StoreStudiesAsync(1);
        var studyId = studies[0];
        var study = await fixture.Local.GetJsonAsync($"studies/{studyId}");
        var before = await SeriesAsync(studyId);
        var pdf = TestDocuments.Pdf("Dear colleague");
        var png = TestDocuments.Png();

        using var http = await fixture.SignInAsync(PortalFixture.StandardUser);
        var response = await http.PostAsync($"api/studies/{studyId}/documents", Form(("Referral_letter.pdf", pdf, null), ("wound.png", png, "Wound photo")));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var results = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        results.Count.ShouldBe(2);

        var after = await SeriesAsync(studyId);
        after.Count.ShouldBe(before.Count + 2);
        var pdfInstance = results[0]!["instanceId"]!.GetValue<string>();
        var pngInstance = results[1]!["instanceId"]!.GetValue<string>();
        (await fixture.Local.GetJsonAsync($"series/{results[0]!["seriesId"]!.GetValue<string>()}"))["MainDicomTags"]!["SeriesDescription"]!.GetValue<string>().ShouldBe("Referral letter");
        (await fixture.Local.GetJsonAsync($"series/{results[1]!["seriesId"]!.GetValue<string>()}"))["MainDicomTags"]!["SeriesDescription"]!.GetValue<string>().ShouldBe("Wound photo");

        // The photo has a preview; the PDF comes back byte for byte.
        var preview = await fixture.Local.Http.GetAsync($"instances/{pngInstance}/preview");
        preview.StatusCode.ShouldBe(HttpStatusCode.OK);
        preview.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        (await fixture.Local.Http.GetByteArrayAsync($"instances/{pdfInstance}/pdf")).ShouldBe(pdf);

        // dcmdump of the stored file: Encapsulated PDF in this study of this patient.
        var file = Path.Combine(TestEnvironment.NewTempFolder("docdump"), "pdf.dcm");
        await File.WriteAllBytesAsync(file, await fixture.Local.Http.GetByteArrayAsync($"instances/{pdfInstance}/file"));
        var dump = await DcmdumpAsync(file);
        dump.ShouldContain($"(0008,0016) UI [{EncapsulatedPdf}]");
        dump.ShouldContain($"(0020,000d) UI [{study["MainDicomTags"]!["StudyInstanceUID"]!.GetValue<string>()}]");
        dump.ShouldContain($"(0010,0020) LO [{study["PatientMainDicomTags"]!["PatientID"]!.GetValue<string>()}]");
    }

    private static async Task<string> DcmdumpAsync(string file)
    {
        using var process = Process.Start(new ProcessStartInfo("dcmdump", ["-Un", "+P", "0008,0016", "+P", "0002,0002", "+P", "0020,000d", "+P", "0010,0020", file])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.ShouldBe(0, await process.StandardError.ReadToEndAsync());
        return output;
    }

    [Fact]
    public async Task Bad_files_get_a_clear_error_and_nothing_of_the_request_stays_in_Orthanc()
    {
        var (_, studies) = await fixture.StoreStudiesAsync(1);
        var studyId = studies[0];
        var before = await SeriesAsync(studyId);
        using var http = await fixture.SignInAsync(PortalFixture.StandardUser);

        async Task<string> RefusedAsync(MultipartFormDataContent form)
        {
            var response = await http.PostAsync($"api/studies/{studyId}/documents", form);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>();
        }

        (await RefusedAsync(Form(("notes.pdf", "just text"u8.ToArray(), null)))).ShouldBe("notes.pdf: not a PDF, PNG or JPEG file (judged by its content, not its name).");
        (await RefusedAsync(Form(("photo.png", TestDocuments.Png(), null), ("form.pdf", TestDocuments.PdfWith("/AcroForm << /Fields [] >>"), null))))
            .ShouldStartWith("form.pdf: the PDF contains /AcroForm");
        // A PNG with a good signature but a broken body passes the check and fails in Orthanc: the photo made before it is deleted again.
        var broken = TestDocuments.Png().Take(40).ToArray();
        (await RefusedAsync(Form(("photo.png", TestDocuments.Png(), null), ("broken.png", broken, null)))).ShouldStartWith("broken.png: Orthanc could not make a DICOM instance of it");
        (await SeriesAsync(studyId)).ShouldBe(before);
    }

    [Fact]
    public async Task Attaching_needs_the_Import_permission_and_a_study_inside_the_role_label_limit()
    {
        var (_, studies) = await fixture.StoreStudiesAsync(1);
        using var viewer = await fixture.SignInAsync(PortalFixture.ViewerUser);
        (await viewer.PostAsync($"api/studies/{studies[0]}/documents", Form(("a.pdf", TestDocuments.Pdf(), null)))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        await fixture.Portal.CreateRoleAsync("DocumentsResearch", Permissions.ViewContent, Permissions.Import);
        await LabelFixture.LimitRoleAsync(fixture.Portal, "DocumentsResearch", LabelFixture.Research);
        await fixture.Portal.CreateUserAsync("docresearch1", PortalFixture.Password, "DocumentsResearch");
        using var limited = await fixture.Portal.SignInAsync("docresearch1", PortalFixture.Password);
        var response = await limited.PostAsync($"api/studies/{studies[0]}/documents", Form(("a.pdf", TestDocuments.Pdf(), null)));
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).ShouldContain("labelled research");
        (await SeriesAsync(studies[0])).Count.ShouldBe(1);
    }
}
