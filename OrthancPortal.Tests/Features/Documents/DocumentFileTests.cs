using System.Text;
using OrthancPortal.Features.Documents;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Documents;

/// <summary>What a file is, by its content; which PDFs are refused, as a table of the tricks they use.</summary>
public sealed class DocumentFileTests
{
    private static async Task<string> WriteAsync(byte[] bytes)
    {
        var path = Path.Combine(TestEnvironment.NewTempFolder("docfile"), "f");
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }

    [Fact]
    public async Task A_plain_PDF_a_PNG_and_a_JPEG_are_told_by_their_content_whatever_their_name()
    {
        (await DocumentFile.CheckAsync(await WriteAsync(TestDocuments.Pdf()), "letter.png", 1 << 20)).ShouldBe(DocumentKind.Pdf);
        (await DocumentFile.CheckAsync(await WriteAsync(TestDocuments.Png()), "photo.pdf", 1 << 20)).ShouldBe(DocumentKind.Png);
        (await DocumentFile.CheckAsync(await WriteAsync([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F']), "x", 1 << 20)).ShouldBe(DocumentKind.Jpeg);
    }

    [Theory]
    [InlineData("hello, this is text", "not a PDF, PNG or JPEG file")]
    [InlineData("GIF89a......", "not a PDF, PNG or JPEG file")]
    [InlineData(" %PDF-1.4 leading space", "not a PDF, PNG or JPEG file")]
    public async Task Other_files_are_refused_with_the_reason(string content, string reason)
    {
        var ex = await Should.ThrowAsync<DocumentRejectedException>(() => DocumentFile.CheckAsync(WriteAsync(Encoding.ASCII.GetBytes(content)).Result, "notes.pdf", 1 << 20));
        ex.Message.ShouldStartWith("notes.pdf: ");
        ex.Message.ShouldContain(reason);
    }

    [Fact]
    public async Task Empty_and_too_large_files_are_refused()
    {
        (await Should.ThrowAsync<DocumentRejectedException>(() => DocumentFile.CheckAsync(WriteAsync([]).Result, "e.pdf", 1024))).Message.ShouldBe("e.pdf: the file is empty.");
        var big = TestDocuments.Pdf().Concat(new byte[2048]).ToArray();
        (await Should.ThrowAsync<DocumentRejectedException>(() => DocumentFile.CheckAsync(WriteAsync(big).Result, "big.pdf", 1024))).Message
            .ShouldContain("is more than the 1 KB a document may have");
    }

    [Theory]
    [InlineData("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>", "JavaScript")]
    [InlineData("/OpenAction 6 0 R /JS(x)", "JS")]
    [InlineData("/AcroForm << /Fields [] >>", "AcroForm")]
    [InlineData("/AcroForm<</XFA 7 0 R>>", "AcroForm")]
    [InlineData("/OpenAction << /S /Launch /F (cmd.exe) >>", "Launch")]
    [InlineData("/Names << /EmbeddedFiles 8 0 R >>", "EmbeddedFiles")]
    [InlineData("/OpenAction << /S /J#61vaScript /JS (x) >>", "JavaScript")]
    [InlineData("/OpenAction << /S /J#53 (x) >>", "JS")]
    public async Task PDFs_with_scripts_forms_launch_actions_or_embedded_files_are_refused(string entry, string name)
    {
        var ex = await Should.ThrowAsync<DocumentRejectedException>(() => DocumentFile.CheckAsync(WriteAsync(TestDocuments.PdfWith(entry)).Result, "bad.pdf", 1 << 20));
        ex.Message.ShouldStartWith($"bad.pdf: the PDF contains /{name} ");
    }

    [Theory]
    [InlineData("/JSON (not a script)")]
    [InlineData("/Author (JavaScript fan)")]
    [InlineData("/Launchpad 1")]
    public async Task Names_that_only_look_alike_are_accepted(string entry)
    {
        (await DocumentFile.CheckAsync(await WriteAsync(TestDocuments.PdfWith(entry)), "ok.pdf", 1 << 20)).ShouldBe(DocumentKind.Pdf);
    }

    [Theory]
    [InlineData("Referral_letter.pdf", "Referral letter")]
    [InlineData("C:\\fakepath\\photo 1.JPG", "photo 1")]
    [InlineData("x.y.png", "x.y")]
    public void The_series_description_comes_from_the_file_name(string fileName, string description)
        => DocumentService.DefaultDescription(fileName).ShouldBe(description);
}
