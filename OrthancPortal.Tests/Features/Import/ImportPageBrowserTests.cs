using Microsoft.Playwright;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Import;

public sealed class ImportPageBrowserTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task The_import_page_passes_the_page_checks_empty_and_with_results_at_both_sizes()
    {
        var folder = TestEnvironment.NewTempFolder("import-page");
        try
        {
            var study = TestDicom.Study(TestDicom.Patient("IMPPAGE", "Import^Ida"), "CT", instances: 2, date: "20240302", description: "CT Thorax");
            TestDicom.WriteFiles(study, folder);
            await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "not DICOM");
            var files = Directory.GetFiles(folder);
            foreach (var (size, locale) in new[] { (Viewports.Desktop, "en-GB"), (Viewports.Narrow, "de-DE") })
            {
                var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password, locale: locale, viewport: size);
                await page.GotoAsync("import");
                await BrowserFixture.WaitForInteractiveAsync(page);
                await Assertions.Expect(page.Locator("[data-test=import-empty]")).ToBeVisibleAsync();
                await PageChecks.AssertPageAsync(page, $"import-empty-{locale}");

                await page.SetInputFilesAsync("[data-test=drop-zone] [data-test=pick-files]", files);
                await Assertions.Expect(page.Locator("[data-test=imported-study]")).ToHaveCountAsync(1);
                await Assertions.Expect(page.Locator("[data-test=import-row][data-status=Skipped]")).ToHaveCountAsync(1);
                // The link names the study as people know it: "Last, First", the date in the user's culture.
                await Assertions.Expect(page.Locator("[data-test=imported-study]")).ToHaveTextAsync(locale == "de-DE" ? "Import, Ida · 02.03.2024 · CT Thorax" : "Import, Ida · 02/03/2024 · CT Thorax");
                await PageChecks.AssertPageAsync(page, $"import-{locale}");
            }
        }
        finally
        {
            TestEnvironment.DeleteQuietly(folder);
        }
    }
}
