using Microsoft.Playwright;
using OrthancPortal.Tests.Features.Labels;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Documents;

public sealed class DocumentBrowserTests(BrowserLabelFixture fixture) : IClassFixture<BrowserLabelFixture>
{
    [Fact]
    public async Task A_user_attaches_a_PDF_and_a_photo_from_the_study_page_and_sees_two_new_series()
    {
        var (_, studies) = await fixture.StoreStudiesAsync(1);
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        await page.GotoAsync($"content/studies/{studies[0]}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=series-row]")).ToHaveCountAsync(1);

        await page.ClickAsync("[data-test=attach-documents] .mud-expand-panel-header");
        // MudFileUpload puts a fresh input after each choice (so the same file can be chosen again): the last one is live.
        var input = page.Locator("[data-test=attach-documents] input[type=file]").Last;
        await input.SetInputFilesAsync(new[]
        {
            new FilePayload { Name = "Referral_letter.pdf", MimeType = "application/pdf", Buffer = TestDocuments.Pdf() },
            new FilePayload { Name = "wound.png", MimeType = "image/png", Buffer = TestDocuments.Png() },
        });
        var descriptions = page.Locator("input[data-test=attach-description], [data-test=attach-description] input");
        await Assertions.Expect(descriptions).ToHaveCountAsync(2);
        await Assertions.Expect(descriptions.Nth(0)).ToHaveValueAsync("Referral letter");
        await Assertions.Expect(descriptions.Nth(1)).ToHaveValueAsync("wound");
        await descriptions.Nth(1).FillAsync("Wound photo");
        await page.ClickAsync("[data-test=attach-submit]");

        await Assertions.Expect(page.Locator("[data-test=attach-result]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-test=attach-result]").Nth(0)).ToContainTextAsync("Encapsulated PDF");
        await Assertions.Expect(page.Locator("[data-test=series-row]")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("[data-test=open-series]", new() { HasText = "Wound photo" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-test=open-series]", new() { HasText = "Referral letter" })).ToBeVisibleAsync();

        // A file that is no document gets its reason in words; nothing is added.
        await input.SetInputFilesAsync(new FilePayload { Name = "notes.pdf", MimeType = "application/pdf", Buffer = "plain text"u8.ToArray() });
        await page.ClickAsync("[data-test=attach-submit]");
        await Assertions.Expect(page.Locator("[data-test=attach-error]")).ToContainTextAsync("notes.pdf: not a PDF, PNG or JPEG file (judged by its content, not its name).");
        await Assertions.Expect(page.Locator("[data-test=series-row]")).ToHaveCountAsync(3);
        // Screenshot and overflow only: axe flags the study page's header (text-secondary contrast, not yet MudBlazor), not this form.
        await PageChecks.AssertPageAsync(page, "study-attach-documents", accessibility: false);
    }

    [Fact]
    public async Task A_viewer_without_the_Import_permission_sees_no_attach_form()
    {
        var (_, studies) = await fixture.StoreStudiesAsync(1);
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.ViewerUser, PortalFixture.Password);
        await page.GotoAsync($"content/studies/{studies[0]}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=series-row]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-test=attach-documents]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_PDF_series_shows_a_document_icon_that_opens_the_original_PDF()
    {
        var (_, studies) = await fixture.StoreStudiesAsync(1);
        var pdf = TestDocuments.Pdf("Referral to cardiology");
        using (var staff = await fixture.SignInAsync(PortalFixture.StandardUser))
        {
            await TestDocuments.AttachAsync(staff, studies[0], ("Referral_letter.pdf", pdf, null));
        }
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.ViewerUser, PortalFixture.Password);
        await page.GotoAsync($"content/studies/{studies[0]}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=series-row]")).ToHaveCountAsync(2);
        // A viewer may view and nothing else: the other action groups are not drawn as empty headings.
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "View" })).ToBeVisibleAsync();
        foreach (var group in new[] { "Download", "Send and more", "Change" })
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = group, Exact = true })).ToBeHiddenAsync();
        }

        // The letter's row has the icon and no preview image (a PDF has no pixels); the CT keeps its preview.
        var letter = page.Locator("[data-test=series-row]", new() { Has = page.Locator("[data-test=open-series]", new() { HasText = "Referral letter" }) });
        await Assertions.Expect(letter.Locator("[data-test=series-document]")).ToBeVisibleAsync();
        await Assertions.Expect(letter.Locator("[data-test=series-thumb]")).ToHaveCountAsync(0);
        var image = page.Locator("[data-test=series-row]", new() { HasNot = page.Locator("[data-test=series-document]") });
        await Assertions.Expect(image.Locator("[data-test=series-thumb]")).ToBeVisibleAsync();
        (await image.Locator("[data-test=series-thumb]").EvaluateAsync<int>("img => img.complete ? img.naturalWidth : -1")).ShouldBeGreaterThan(0);

        // The icon's link is the original PDF, byte for byte, with this browser's session.
        var href = (await letter.Locator("[data-test=series-document]").GetAttributeAsync("href")).ShouldNotBeNull();
        var response = await page.APIRequest.GetAsync(new Uri(fixture.Portal.Url, href).ToString());
        response.Status.ShouldBe(200);
        response.Headers["content-type"].ShouldBe("application/pdf");
        (await response.BodyAsync()).ShouldBe(pdf);
        await PageChecks.AssertPageAsync(page, "study-pdf-series", accessibility: false);
    }

    [Fact]
    public async Task OHIF_opens_an_attached_PDF_in_its_PDF_viewport_through_the_portal()
    {
        var (_, studies) = await fixture.StoreStudiesAsync(1);
        var pdf = TestDocuments.Pdf("Referral for OHIF");
        string seriesId;
        using (var staff = await fixture.SignInAsync(PortalFixture.StandardUser))
        {
            seriesId = (await TestDocuments.AttachAsync(staff, studies[0], ("letter.pdf", pdf, null)))[0]!["seriesId"]!.GetValue<string>();
        }
        var studyUid = (await fixture.Local.GetJsonAsync($"studies/{studies[0]}"))["MainDicomTags"]!["StudyInstanceUID"]!.GetValue<string>();
        var seriesUid = (await fixture.Local.GetJsonAsync($"series/{seriesId}"))["MainDicomTags"]!["SeriesInstanceUID"]!.GetValue<string>();

        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.ViewerUser, PortalFixture.Password);
        var answers = new System.Collections.Concurrent.ConcurrentBag<(string Url, int Status)>();
        page.Context.Response += (_, r) => answers.Add((r.Url, r.Status));
        // Only the letter's series, so OHIF's hanging protocol puts it in the first viewport.
        await page.GotoAsync($"ohif/viewer?StudyInstanceUIDs={studyUid}&SeriesInstanceUIDs={seriesUid}");

        // @ohif/extension-dicom-pdf's viewport: an <object type="application/pdf"> whose data is the document, read through the proxy.
        var viewport = page.Locator("object[type='application/pdf']");
        await viewport.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 180_000 });
        var data = (await viewport.GetAttributeAsync("data")).ShouldNotBeNull();
        var bytes = await page.EvaluateAsync<int[]>("async url => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer()))", data);
        bytes.Select(b => (byte)b).ToArray().ShouldBe(pdf);
        var screenshots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "TestResults", "ohif"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots.FullName, "pdf.png") });
        answers.Where(a => a.Status >= 400).ShouldBeEmpty();
    }
}
