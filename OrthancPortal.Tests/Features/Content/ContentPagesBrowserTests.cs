using System.Text.Json.Nodes;
using Microsoft.Playwright;
using OrthancPortal.Tests.Features.QueryRetrieve;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Content;

/// <summary>The patient, series and instance pages (issue 16): at both sizes, in German, and where a delete lands.</summary>
public sealed class ContentPagesBrowserTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    private sealed record Stored(string Tag, string PatientId, string NewStudyId, string OldStudyId);

    /// <summary>A patient with a new CT (two series of two images) and an old MR (one image).</summary>
    private async Task<Stored> StoreAsync()
    {
        var tag = $"CP{Guid.NewGuid():N}"[..10].ToUpperInvariant();
        var patient = TestDicom.Patient(tag, $"{tag}^Clara", birthDate: "19650312", sex: "F");
        var newStudy = await ContentTestData.StoreAsync(fixture.Local, TestDicom.Study(patient, "CT", instances: 2, seriesCount: 2, description: "New CT"));
        var oldStudy = await ContentTestData.StoreAsync(fixture.Local, TestDicom.Study(patient, "MR", instances: 1, date: "20110304", description: "Old MR"));
        var study = await OrthancAsync($"studies/{newStudy}");
        return new Stored(tag, study["ParentPatient"]!.GetValue<string>(), newStudy, oldStudy);
    }

    private async Task<JsonObject> OrthancAsync(string path)
        => JsonNode.Parse(await fixture.Local.Http.GetStringAsync(path))!.AsObject();

    private async Task<string[]> ChildrenAsync(string path, string key)
        => (await OrthancAsync(path))[key]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    private static ILocator StudyRows(IPage page) => page.Locator("[data-test=patient-studies] tbody tr:has([data-test=open-study])");

    [Fact]
    public async Task The_patient_page_shows_the_patient_and_its_studies_newest_first_at_both_sizes()
    {
        var stored = await StoreAsync();
        foreach (var viewport in new[] { Viewports.Desktop, Viewports.Narrow })
        {
            var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password, viewport: viewport);
            await page.GotoAsync($"content/patients/{stored.PatientId}");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Assertions.Expect(page.Locator("[data-test=patient-name]")).ToHaveTextAsync($"{stored.Tag}, Clara");
            await Assertions.Expect(page.Locator("[data-test=birth-date]")).ToHaveTextAsync("12/03/1965");
            await Assertions.Expect(page.Locator("[data-test=sex]")).ToHaveTextAsync("Female");
            await Assertions.Expect(StudyRows(page)).ToHaveCountAsync(2);
            await Assertions.Expect(StudyRows(page).First).ToContainTextAsync("New CT");
            await Assertions.Expect(StudyRows(page).Nth(1)).ToContainTextAsync("04/03/2011");
            await Assertions.Expect(page.Locator("[data-test=patient-actions] [data-test=delete-patient]")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".mud-alert")).ToHaveCountAsync(0);
            await PageChecks.AssertPageAsync(page, "patient");
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task In_German_the_patient_page_reads_dd_MM_yyyy_and_German_labels_and_so_does_the_image_page()
    {
        var stored = await StoreAsync();
        foreach (var viewport in new[] { Viewports.Desktop, Viewports.Narrow })
        {
            var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password, locale: "de-DE", viewport: viewport);
            await page.GotoAsync($"content/patients/{stored.PatientId}");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Assertions.Expect(page.Locator("[data-test=birth-date]")).ToHaveTextAsync("12.03.1965");
            await Assertions.Expect(page.Locator("[data-test=patient-facts]")).ToContainTextAsync("Geburtsdatum");
            await Assertions.Expect(page.Locator("[data-test=sex]")).ToHaveTextAsync("Weiblich");
            await Assertions.Expect(page.Locator("[data-test=patient-studies] thead")).ToContainTextAsync("Studiendatum");
            await Assertions.Expect(StudyRows(page).Nth(1)).ToContainTextAsync("04.03.2011");
            await Assertions.Expect(page.Locator("[data-test=toggle-protect]")).ToContainTextAsync("Schützen");
            await PageChecks.AssertPageAsync(page, "patient-de");

            var seriesId = (await ChildrenAsync($"studies/{stored.OldStudyId}", "Series"))[0];
            var instanceId = (await ChildrenAsync($"series/{seriesId}", "Instances"))[0];
            await page.GotoAsync($"content/instances/{instanceId}");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Assertions.Expect(page.Locator("[data-test=instance-title]")).ToHaveTextAsync("Bild 1");
            await Assertions.Expect(page.Locator("[data-test=tag-tree] thead")).ToContainTextAsync("Wert");
            await PageChecks.AssertPageAsync(page, "instance-de");
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task Protecting_says_so_and_deleting_the_patient_lands_on_the_study_list()
    {
        var stored = await StoreAsync();
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        await page.GotoAsync($"content/patients/{stored.PatientId}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.ClickAsync("[data-test=toggle-protect]");
        await Assertions.Expect(page.Locator("[data-test=protected-badge]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-test=toggle-protect]")).ToContainTextAsync("Unprotect");
        await page.ClickAsync("[data-test=toggle-protect]");
        await Assertions.Expect(page.Locator("[data-test=protected-badge]")).ToHaveCountAsync(0);

        await page.ClickAsync("[data-test=delete-patient]");
        await Assertions.Expect(page.Locator("[data-test=delete-what]")).ToContainTextAsync(stored.Tag);
        await MudInputs.AnswerDialogAsync(page, "Delete");
        await page.WaitForURLAsync(url => url.EndsWith("/content/studies", StringComparison.Ordinal));
        (await fixture.Local.Http.GetAsync($"patients/{stored.PatientId}")).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_series_and_instance_pages_pass_the_checks_at_both_sizes_with_previews_and_tags()
    {
        var stored = await StoreAsync();
        var seriesId = (await ChildrenAsync($"studies/{stored.NewStudyId}", "Series"))[0];
        var instanceId = (await ChildrenAsync($"series/{seriesId}", "Instances"))[0];
        foreach (var viewport in new[] { Viewports.Desktop, Viewports.Narrow })
        {
            var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password, viewport: viewport);
            await page.GotoAsync($"content/series/{seriesId}");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Assertions.Expect(page.Locator("[data-test=series-title]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^CT series [12]$"));
            await Assertions.Expect(page.Locator("[data-test=instance-thumb]")).ToHaveCountAsync(2);
            await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-test=instance-thumb] img')].every(i => i.complete && i.naturalWidth > 0)");
            await PageChecks.AssertPageAsync(page, "series");

            await page.GotoAsync($"content/instances/{instanceId}");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Assertions.Expect(page.Locator("[data-test=tag-row][data-tag='0010,0010']")).ToContainTextAsync($"{stored.Tag}^Clara");
            await page.WaitForFunctionAsync("() => { const i = document.querySelector('[data-test=instance-preview]'); return i && i.complete && i.naturalWidth > 0; }");
            (await page.Locator("[data-test=instance-preview]").GetAttributeAsync("alt")).ShouldNotBeNullOrWhiteSpace();
            await PageChecks.AssertPageAsync(page, "instance");
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task Deleting_an_instance_stays_on_its_series_and_deleting_the_last_lands_on_the_nearest_parent_that_is_left()
    {
        var stored = await StoreAsync();
        var ctSeries = await ChildrenAsync($"studies/{stored.NewStudyId}", "Series");
        var instances = await ChildrenAsync($"series/{ctSeries[0]}", "Instances");
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password);

        // One of two images: back on the series, which shows the other.
        await page.GotoAsync($"content/instances/{instances[0]}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.ClickAsync("[data-test=delete-instance]");
        await MudInputs.AnswerDialogAsync(page, "Delete");
        await page.WaitForURLAsync(url => url.EndsWith($"/content/series/{ctSeries[0]}", StringComparison.Ordinal),
            new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.Locator("[data-test=instance-thumb]")).ToHaveCountAsync(1);

        // The last image of the series: Orthanc drops the series, the study still has the other one.
        await page.GotoAsync($"content/instances/{instances[1]}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.ClickAsync("[data-test=delete-instance]");
        await MudInputs.AnswerDialogAsync(page, "Delete");
        await page.WaitForURLAsync(url => url.EndsWith($"/content/studies/{stored.NewStudyId}", StringComparison.Ordinal),
            new() { WaitUntil = WaitUntilState.Commit });

        // The study's last series from the series page: the study goes, the patient keeps the old MR.
        await page.GotoAsync($"content/series/{ctSeries[1]}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.ClickAsync("[data-test=series-actions] [data-test=delete-series]");
        await MudInputs.AnswerDialogAsync(page, "Delete");
        await page.WaitForURLAsync(url => url.EndsWith($"/content/patients/{stored.PatientId}", StringComparison.Ordinal),
            new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(StudyRows(page)).ToHaveCountAsync(1);

        // The patient's last series: nothing of the patient is left, so the study list.
        var mrSeries = (await ChildrenAsync($"studies/{stored.OldStudyId}", "Series"))[0];
        await page.GotoAsync($"content/series/{mrSeries}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.ClickAsync("[data-test=series-actions] [data-test=delete-series]");
        await MudInputs.AnswerDialogAsync(page, "Delete");
        await page.WaitForURLAsync(url => url.EndsWith("/content/studies", StringComparison.Ordinal));
    }
}
