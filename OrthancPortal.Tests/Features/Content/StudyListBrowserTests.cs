using Microsoft.Playwright;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Content;

/// <summary>The study list and the study page as staff first meet them (issue 16), at both sizes and in German.</summary>
public sealed class StudyListBrowserTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    private async Task<(string Tag, string NewestStudyId)> StoreAsync()
    {
        var tag = $"SL{Guid.NewGuid():N}"[..10].ToUpperInvariant();
        var today = DateTime.Today.ToString("yyyyMMdd");
        var newest = TestDicom.Study(TestDicom.Patient($"{tag}-1", $"{tag}^Annabel"), "CT", instances: 1, date: today, description: "Newest CT");
        await ContentTestData.StoreAsync(fixture.Local, newest);
        await ContentTestData.StoreAsync(fixture.Local, TestDicom.Study(TestDicom.Patient($"{tag}-2", $"{tag}^Bert"), "MR", instances: 1, date: "20110304", description: "Old MR"));
        var lookup = await fixture.Local.Http.PostAsync("tools/lookup", new StringContent(newest.StudyUid));
        var id = System.Text.Json.Nodes.JsonNode.Parse(await lookup.Content.ReadAsStringAsync())![0]!["ID"]!.GetValue<string>();
        return (tag, id);
    }

    [Fact]
    public async Task The_list_opens_on_the_newest_studies_a_plain_part_of_a_name_finds_the_patient_and_dates_sort()
    {
        var (tag, newestId) = await StoreAsync();
        foreach (var viewport in new[] { Viewports.Desktop, Viewports.Narrow })
        {
            var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password, viewport: viewport);
            await page.GotoAsync("content/studies");
            await BrowserFixture.WaitForInteractiveAsync(page);
            // No Search press: the newest study of all is the first row.
            await Assertions.Expect(StudyList.Rows(page).First).ToBeVisibleAsync();
            await Assertions.Expect(StudyList.Rows(page).First).ToContainTextAsync(DateTime.Today.ToString("dd/MM/yyyy"));
            await PageChecks.AssertPageAsync(page, "studies");

            // A plain part of the given name, in lower case, finds the patient.
            await page.FillAsync(StudyList.NameFilter, $"{tag.ToLowerInvariant()[2..8]}");
            await Assertions.Expect(StudyList.Rows(page)).ToHaveCountAsync(2);
            await page.FillAsync(StudyList.NameFilter, "annabel");
            await Assertions.Expect(StudyList.Row(page, newestId)).ToBeVisibleAsync();
            await page.FillAsync(StudyList.NameFilter, $"{tag}*");
            await Assertions.Expect(StudyList.Rows(page)).ToHaveCountAsync(2);
            await Assertions.Expect(StudyList.Rows(page).First).ToContainTextAsync("Newest CT");
            // Oldest first after one click on the date column.
            await StudyList.SortHeader(page, "StudyDate").ClickAsync();
            await Assertions.Expect(StudyList.Rows(page).First).ToContainTextAsync("Old MR");
            await Assertions.Expect(StudyList.Rows(page).First).ToContainTextAsync("04/03/2011");
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task A_valid_study_page_shows_its_facts_without_any_alert_at_both_sizes()
    {
        var (_, newestId) = await StoreAsync();
        foreach (var viewport in new[] { Viewports.Desktop, Viewports.Narrow })
        {
            var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password, viewport: viewport);
            await page.GotoAsync($"content/studies/{newestId}");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Assertions.Expect(page.Locator("[data-test=study-title]")).ToHaveTextAsync("Newest CT");
            await Assertions.Expect(page.Locator("[data-test=instance-count]")).ToContainTextAsync("1 in 1 series");
            await Assertions.Expect(page.Locator("[data-test=modalities]")).ToHaveTextAsync("CT");
            await Assertions.Expect(page.Locator("[data-test=study-actions] [data-test=burn-study]")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".mud-alert")).ToHaveCountAsync(0);
            await PageChecks.AssertPageAsync(page, "study");
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task In_German_dates_read_dd_MM_yyyy_and_the_labels_are_German()
    {
        var (tag, newestId) = await StoreAsync();
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password, locale: "de-DE");
        await page.GotoAsync("content/studies");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.FillAsync(StudyList.NameFilter, $"{tag}*");
        await Assertions.Expect(StudyList.Rows(page)).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-test=study-results] th.sort-StudyDate")).ToContainTextAsync("Studiendatum");
        await Assertions.Expect(StudyList.Rows(page).Nth(1)).ToContainTextAsync("04.03.2011");
        await PageChecks.AssertPageAsync(page, "studies-de");

        await page.GotoAsync($"content/studies/{newestId}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=study-facts]")).ToContainTextAsync("Geburtsdatum");
        await Assertions.Expect(page.Locator("[data-test=study-date]")).ToContainTextAsync(DateTime.Today.ToString("dd.MM.yyyy"));
        await PageChecks.AssertPageAsync(page, "study-de");
    }
}
