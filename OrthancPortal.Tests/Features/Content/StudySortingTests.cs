using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Content;

/// <summary>Five studies of one (unique) family name: dates 2021..2025, names in reverse order of the dates.</summary>
internal static class SortingData
{
    public static async Task<string> StoreAsync(OrthancProcess orthanc)
    {
        var tag = $"SORT{Guid.NewGuid():N}"[..10].ToUpperInvariant();
        for (var i = 0; i < 5; i++)
        {
            // 2021 is "E", 2025 is "A": sorting by date and by name give opposite orders.
            var name = $"{tag}^{(char)('E' - i)}";
            await ContentTestData.StoreAsync(orthanc, TestDicom.Study(TestDicom.Patient($"{tag}-{i}", name), i == 4 ? "MR" : "CT", instances: 1,
                date: $"202{i + 1}0601", description: $"Study {i}"));
        }
        return tag;
    }

    public static List<string> Dates(JsonObject page) => page["rows"]!.AsArray().Select(r => r!["studyDate"]!.GetValue<string>()).ToList();
}

public sealed class StudySortingTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task Orthanc_1_12_sorts_newest_first_counts_and_pages_by_number()
    {
        var tag = await SortingData.StoreAsync(fixture.Local);
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);

        var first = (await user.GetFromJsonAsync<JsonObject>($"api/content/studies?patientName={tag}*&pageSize=2"))!;
        SortingData.Dates(first).ShouldBe(["2025-06-01", "2024-06-01"]);
        first["total"]!.GetValue<long>().ShouldBe(5);
        first["pageCount"]!.GetValue<int>().ShouldBe(3);
        first["hasMore"]!.GetValue<bool>().ShouldBeTrue();
        first["sort"]!["field"]!.GetValue<int>().ShouldBe(0, "study date is the default");

        var last = (await user.GetFromJsonAsync<JsonObject>($"api/content/studies?patientName={tag}*&pageSize=2&page=2"))!;
        SortingData.Dates(last).ShouldBe(["2021-06-01"]);
        last["hasMore"]!.GetValue<bool>().ShouldBeFalse();

        var byName = (await user.GetFromJsonAsync<JsonObject>($"api/content/studies?patientName={tag}*&sort=PatientName&pageSize=5"))!;
        SortingData.Dates(byName).ShouldBe(["2025-06-01", "2024-06-01", "2023-06-01", "2022-06-01", "2021-06-01"], "A is the newest study");
        var oldestFirst = (await user.GetFromJsonAsync<JsonObject>($"api/content/studies?patientName={tag}*&sort=StudyDate&desc=false&pageSize=1&page=1"))!;
        SortingData.Dates(oldestFirst).ShouldBe(["2022-06-01"]);

        // Every filter at once, with paging and a sort: Orthanc accepts Limit/Since for all of them (main tags and ModalitiesInStudy).
        var all = (await user.GetFromJsonAsync<JsonObject>(
            $"api/content/studies?patientName={tag}*&patientId={tag}-*&description=Study*&accession=ACC*&modalities=CT&from=2022-01-01&to=2025-12-31&sort=StudyDescription&desc=true&pageSize=2&page=1"))!;
        all["total"]!.GetValue<long>().ShouldBe(3);
        SortingData.Dates(all).ShouldBe(["2022-06-01"]);

        (await user.GetAsync($"api/content/studies?sort=Nonsense")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await user.GetAsync($"api/content/studies?sort=99")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}

public sealed class LegacyStudySearchTests(LegacyOrthancPortalFixture fixture) : IClassFixture<LegacyOrthancPortalFixture>
{
    [Fact]
    public async Task Orthanc_1_10_pages_with_next_without_a_count_or_a_sort()
    {
        var tag = await SortingData.StoreAsync(fixture.Local);
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);

        var first = (await user.GetFromJsonAsync<JsonObject>($"api/content/studies?patientName={tag}*&pageSize=2&sort=PatientName"))!;
        first["rows"]!.AsArray().Count.ShouldBe(2);
        first["hasMore"]!.GetValue<bool>().ShouldBeTrue();
        first["total"].ShouldBeNull();
        first["sort"].ShouldBeNull("1.10.1 ignores OrderBy: the answer must not claim an order");
        first["orthancVersion"]!.GetValue<string>().ShouldBe(fixture.Local.Version);
        var seen = new HashSet<string>();
        for (var page = 0; ; page++)
        {
            var p = (await user.GetFromJsonAsync<JsonObject>($"api/content/studies?patientName={tag}*&pageSize=2&page={page}"))!;
            foreach (var r in p["rows"]!.AsArray()) seen.Add(r!["id"]!.GetValue<string>()).ShouldBeTrue("no study twice");
            if (!p["hasMore"]!.GetValue<bool>()) break;
        }
        seen.Count.ShouldBe(5);
    }
}

public sealed class StudySortingBrowserTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task The_study_list_starts_newest_first_sorts_by_a_clicked_column_and_jumps_to_a_page_number()
    {
        var tag = await SortingData.StoreAsync(fixture.Local);
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        await page.GotoAsync("content/studies");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.FillAsync(StudyList.NameFilter, $"{tag}*");
        await page.ClickAsync("[data-test=search]");

        var rows = StudyList.Rows(page);
        await Assertions.Expect(rows).ToHaveCountAsync(5);
        await Assertions.Expect(rows.First).ToContainTextAsync("01/06/2025");
        await Assertions.Expect(page.Locator("[data-test=study-count]")).ToHaveTextAsync("Studies 1–5 of 5");
        await Assertions.Expect(page.Locator("[data-test=sort-unavailable]")).ToHaveCountAsync(0);

        await StudyList.SortHeader(page, "StudyDescription").ClickAsync();
        await Assertions.Expect(rows.First).ToContainTextAsync("Study 0");
        await StudyList.SortHeader(page, "StudyDescription").ClickAsync();
        await Assertions.Expect(rows.First).ToContainTextAsync("Study 4");
    }
}

public sealed class LegacyStudySearchBrowserTests : IClassFixture<LegacyStudySearchBrowserTests.Fixture>
{
    public sealed class Fixture : LegacyOrthancPortalFixture
    {
        protected override bool UsesBrowser => true;
    }

    private readonly Fixture fixture;
    public LegacyStudySearchBrowserTests(Fixture fixture) => this.fixture = fixture;

    [Fact]
    public async Task On_Orthanc_1_10_the_list_says_in_words_that_it_cannot_sort()
    {
        var tag = await SortingData.StoreAsync(fixture.Local);
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        await page.GotoAsync("content/studies");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.FillAsync(StudyList.NameFilter, $"{tag}*");
        await page.ClickAsync("[data-test=search]");

        await Assertions.Expect(StudyList.Rows(page)).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator("[data-test=sort-unavailable]")).ToContainTextAsync($"Sorting and counting are not available on this Orthanc (version {fixture.Local.Version})");
        await Assertions.Expect(StudyList.SortHeader(page, "StudyDate")).ToHaveCountAsync(0);
    }
}
