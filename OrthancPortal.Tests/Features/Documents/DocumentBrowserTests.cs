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
}
