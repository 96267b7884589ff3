using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrthancPortal.Tests.Features.Worklists;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Gdt;

public sealed class GdtOutboxBrowserTests(BrowserWorklistFixture fixture) : IClassFixture<BrowserWorklistFixture>
{
    [Fact]
    public async Task The_outbox_passes_the_page_checks_at_both_sizes_shows_times_in_the_culture_and_filters_on_the_server()
    {
        var study = TestDicom.Study(TestDicom.Patient("UIGDTP1", "Check^Chris"), "US", instances: 1, accession: "ACCCHK1");
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);
        foreach (var viewport in new[] { Viewports.Desktop, Viewports.Narrow })
        {
            var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password, viewport: viewport);
            await page.GotoAsync("gdt");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Assertions.Expect(page.Locator("[data-file='ACCCHK1.gdt']")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await PageChecks.AssertPageAsync(page, "gdt-outbox");
        }

        var german = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password, locale: "de-DE");
        await german.GotoAsync("gdt");
        await BrowserFixture.WaitForInteractiveAsync(german);
        await Assertions.Expect(german.Locator("h1")).ToHaveTextAsync("GDT-Ausgang");
        await Assertions.Expect(german.Locator("[data-test=gdt-written]").First).ToHaveTextAsync(new Regex(@"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$"));
        await german.FillAsync("input[data-test=gdt-filter-file], [data-test=gdt-filter-file] input", "ACCCHK");
        await Assertions.Expect(german.Locator("[data-test=gdt-file]")).ToHaveCountAsync(1);
        await german.FillAsync("input[data-test=gdt-filter-file], [data-test=gdt-filter-file] input", "NO-SUCH-FILE");
        await Assertions.Expect(german.Locator("[data-test=gdt-empty]")).ToBeVisibleAsync();
        await PageChecks.AssertPageAsync(german, "gdt-outbox-de");
    }
}
