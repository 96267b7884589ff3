using System.IO.Compression;
using Microsoft.Playwright;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Content;

/// <summary>What staff do all day, in a real browser: find a study, look at it, download it, import files.</summary>
public sealed class ContentBrowserTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task Search_by_wildcard_and_date_preset_then_open_the_study_its_thumbnails_tags_and_download_the_zip()
    {
        var tag = $"PW{Guid.NewGuid():N}"[..10].ToUpperInvariant();
        var today = DateTime.Today.ToString("yyyyMMdd");
        await ContentTestData.StoreAsync(fixture.Local, TestDicom.Study(TestDicom.Patient($"{tag}-1", $"{tag}^Anna"), "CT", instances: 2, seriesCount: 2, date: today, description: "CT Thorax"));
        await ContentTestData.StoreAsync(fixture.Local, TestDicom.Study(TestDicom.Patient($"{tag}-2", $"{tag}^Old"), "CT", instances: 1, date: "20100101", description: "Old CT"));
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);

        await page.GotoAsync("content/studies");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.FillAsync(StudyList.NameFilter, $"{tag[..6].ToLowerInvariant()}*");
        await page.Locator(".mud-picker:has([data-test=q-date]) button, [data-test=q-date] button").First.ClickAsync();
        await page.ClickAsync("[data-test=date-last7]");
        var rows = StudyList.Rows(page);
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("CT Thorax");
        await rows.First.Locator("[data-test=add-to-basket] button").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test='basket.export']")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");

        await rows.First.Locator("[data-test=show-series]").ClickAsync();
        var pane = page.Locator("[data-test=series-pane]");
        await Assertions.Expect(pane.Locator("[data-test=series-row]")).ToHaveCountAsync(2);
        await WaitForImagesAsync(page, "[data-test=series-thumb]", 2);

        await rows.First.Locator("[data-test=open-study]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=study-title]")).ToHaveTextAsync("CT Thorax");
        await page.Locator("[data-test=open-series]").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=instance-thumb]")).ToHaveCountAsync(2);
        await WaitForImagesAsync(page, "[data-test=instance-thumb] img", 2);

        await page.Locator("[data-test=instance-thumb]").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=tag-row][data-tag='0010,0010']")).ToContainTextAsync($"{tag}^Anna");
        await page.FillAsync("[data-test=tag-filter]", "StudyDescription");
        await Assertions.Expect(page.Locator("[data-test=tag-row]")).ToHaveCountAsync(1);

        await page.GoBackAsync();
        await page.GoBackAsync();
        await Assertions.Expect(page.Locator("[data-test=study-title]")).ToHaveTextAsync("CT Thorax");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-test=download-zip]"));
        var path = await download.PathAsync();
        ContentApiTests.CountDicomEntries(await File.ReadAllBytesAsync(path)).ShouldBe(4);
    }

    [Fact]
    public async Task Dropping_a_folder_stores_every_DICOM_file_and_skips_the_rest()
    {
        var folder = TestEnvironment.NewTempFolder("import-folder");
        try
        {
            var study = TestDicom.Study(TestDicom.Patient("PWIMPORT", "Import^Folder"), "MR", instances: 3);
            var nested = Path.Combine(folder, "scans", "mr");
            TestDicom.WriteFiles(study, nested);
            await File.WriteAllTextAsync(Path.Combine(folder, "readme.txt"), "not DICOM");
            await File.WriteAllTextAsync(Path.Combine(folder, "scans", "notes.csv"), "a,b");
            var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
            await page.GotoAsync("import");
            await BrowserFixture.WaitForInteractiveAsync(page);

            await page.SetInputFilesAsync("[data-test=drop-zone] [data-test=pick-folder]", folder);

            await Assertions.Expect(page.Locator("[data-test=imported-study]")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("[data-test=count-stored]")).ToHaveTextAsync("3 stored");
            await Assertions.Expect(page.Locator("[data-test=count-skipped]")).ToHaveTextAsync("2 skipped");
            await Assertions.Expect(page.Locator("[data-test=count-error]")).ToHaveTextAsync("0 errors");
            await Assertions.Expect(page.Locator("[data-test=import-row][data-status=Skipped]")).ToHaveCountAsync(2);
            await Assertions.Expect(page.Locator("[data-test=import-totals]")).ToContainTextAsync("5 of 5 files");
            var lookup = await fixture.Local.Http.PostAsync("tools/lookup", new StringContent(study.StudyUid));
            (await lookup.Content.ReadAsStringAsync()).ShouldContain("\"Study\"");

            await page.ClickAsync("[data-test=imported-study]");
            await Assertions.Expect(page.Locator("[data-test=study-title]")).ToHaveTextAsync("MR study");
        }
        finally
        {
            TestEnvironment.DeleteQuietly(folder);
        }
    }

    private static async Task WaitForImagesAsync(IPage page, string selector, int count)
        => await page.WaitForFunctionAsync(
            "([sel, n]) => { const imgs = [...document.querySelectorAll(sel)]; return imgs.length === n && imgs.every(i => i.complete && i.naturalWidth > 0); }",
            new object[] { selector, count });
}
