using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Baskets;

public sealed class BasketBrowserTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task Two_studies_are_anonymized_with_new_names_pushed_to_Export_and_downloaded_as_a_zip()
    {
        var first = TestDicom.Study(TestDicom.Patient("WEB-1", "Browser^Berta"), "CT", instances: 2);
        var second = TestDicom.Study(TestDicom.Patient("WEB-2", "Browser^Bruno"), "MR", instances: 1);
        var ids = new List<string>();
        foreach (var s in new[] { first, second })
        {
            await TestDicom.SendAsync(s, fixture.Local.DicomPort, fixture.Local.Aet);
            var found = JsonNode.Parse(await (await fixture.Local.Http.PostAsync("tools/lookup", new StringContent(s.StudyUid))).Content.ReadAsStringAsync())!.AsArray();
            ids.Add(found.Single(n => n!["Type"]!.GetValue<string>() == "Study")!["ID"]!.GetValue<string>());
        }

        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        // The content pages are another feature; the basket API they call is the same one used here.
        var add = await page.Context.APIRequest.PostAsync("api/baskets/Anonymize", new APIRequestContextOptions
        {
            DataObject = new { Items = ids.Select(id => new { Level = "Study", OrthancId = id }).ToArray() },
        });
        add.Status.ShouldBe(200);
        await Assertions.Expect(page.Locator("[data-test=basket-count-anonymize] .mud-badge")).ToHaveTextAsync("2");

        await page.ClickAsync("[data-test=basket-count-anonymize]");
        await page.WaitForURLAsync(u => u.Contains("/baskets/anonymize"));
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=basket-item]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-test=profile-explained]")).ToContainTextAsync("study date");
        await Assertions.Expect(page.Locator("[data-test=profile-explained]")).ToContainTextAsync("sex");
        await PageChecks.AssertPageAsync(page, "anonymize-basket");
        await page.FillAsync("input[data-test=bulk-prefix], [data-test=bulk-prefix] input", "STUDYX");
        await page.ClickAsync("[data-test=bulk-apply]");
        await Assertions.Expect(page.Locator("input[data-test=new-name], [data-test=new-name] input").First).ToHaveValueAsync("STUDYX001");
        await page.ClickAsync("[data-test=anonymize-run]");
        await Assertions.Expect(page.Locator("[data-test=anon-result]")).ToHaveCountAsync(2, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-test=anon-done]")).ToHaveTextAsync("2 of 2 anonymized.");
        await Assertions.Expect(page.Locator("[data-test=anon-task-link]")).ToBeVisibleAsync();

        // The results are the task's record, not page state: a reload shows them again, as links to the new studies.
        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=anon-result]")).ToHaveCountAsync(2);
        var newStudy = await page.Locator("[data-test=anon-new]").First.GetAttributeAsync("href");
        newStudy.ShouldStartWith("content/studies/");
        (await fixture.Local.Http.GetAsync(newStudy!["content/".Length..])).IsSuccessStatusCode.ShouldBeTrue("the link names a study Orthanc has");
        (await page.Locator("[data-test=anon-original]").First.GetAttributeAsync("href")).ShouldBeOneOf(ids.Select(id => $"content/studies/{id}").ToArray());
        await page.SetViewportSizeAsync(Viewports.Narrow.Width, Viewports.Narrow.Height);
        await PageChecks.AssertPageAsync(page, "anonymize-basket-results");
        await page.SetViewportSizeAsync(Viewports.Desktop.Width, Viewports.Desktop.Height);

        await page.ClickAsync("[data-test=push-export]");
        await Assertions.Expect(page.Locator("[data-test=basket-count-export] .mud-badge")).ToHaveTextAsync("2");
        await page.ClickAsync("[data-test=basket-count-export]");
        await page.WaitForURLAsync(u => u.Contains("/baskets/export"));
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=basket-item]")).ToHaveCountAsync(2);
        // The "added to the Export basket" message is gone before the page is checked (it is not part of the page).
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await PageChecks.AssertPageAsync(page, "export-basket");
        await page.SetViewportSizeAsync(Viewports.Narrow.Width, Viewports.Narrow.Height);
        await PageChecks.AssertPageAsync(page, "export-basket");
        await page.SetViewportSizeAsync(Viewports.Desktop.Width, Viewports.Desktop.Height);

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-test=download-zip]"));
        var path = Path.Combine(TestEnvironment.NewTempFolder("dl"), "export.zip");
        await download.SaveAsAsync(path);
        using var zip = ZipFile.OpenRead(path);
        zip.Entries.Count(e => e.Length > 0).ShouldBe(3, "all instances of both anonymized studies");
        var names = zip.Entries.Select(e => e.FullName).ToList();
        names.ShouldContain(n => n.Contains("STUDYX001"), "the archive's folders carry the new patient names");
        names.ShouldNotContain(n => n.Contains("Berta") || n.Contains("Bruno"));
    }
}

public sealed class LargeBasketBrowserTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task A_basket_of_300_studies_opens_on_its_first_page_with_its_total_and_pages_and_sorts_on_the_server()
    {
        var ids = new List<string>();
        for (var i = 1; i <= 300; i++)
        {
            var study = TestDicom.Study(TestDicom.Patient($"BIG-{i:D3}", $"Big^N{i:D3}"), "CT", instances: 1, description: $"Big study {i:D3}");
            ids.Add(await ContentTestData.StoreAsync(fixture.Local, study));
        }
        await fixture.Portal.CreateRoleAsync("BigExport", OrthancPortal.Features.Access.Permissions.ViewContent, OrthancPortal.Features.Access.Permissions.ExportLocal);
        await fixture.Portal.CreateUserAsync("bigbasket", PortalFixture.Password, "BigExport");
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, "bigbasket", PortalFixture.Password);
        (await page.Context.APIRequest.PostAsync("api/baskets/Export", new APIRequestContextOptions
        {
            DataObject = new { Items = ids.Select(id => new { Level = "Study", OrthancId = id }).ToArray() },
        })).Status.ShouldBe(200);

        await page.GotoAsync("baskets/export");
        await BrowserFixture.WaitForInteractiveAsync(page);
        var grid = page.Locator("[data-test=basket-items]");
        await Assertions.Expect(page.Locator("[data-test=basket-size]")).ToHaveTextAsync("300 items");
        await Assertions.Expect(grid.Locator("[data-test=basket-item]")).ToHaveCountAsync(25);
        await Assertions.Expect(grid.Locator("[data-test=basket-link]").First).ToHaveTextAsync("Big, N001");
        await Assertions.Expect(grid.Locator(".mud-table-pagination-caption").Last).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^1.25 of 300$"));
        await PageChecks.AssertPageAsync(page, "export-basket-300");

        // Sorted by the patient's name, descending: the last name of all 300 comes first (the database sorts, not the page).
        var sortByPatient = grid.Locator("th.sort-PatientName .sortable-column-header");
        await sortByPatient.ClickAsync();
        await sortByPatient.ClickAsync();
        await Assertions.Expect(grid.Locator("[data-test=basket-link]").First).ToHaveTextAsync("Big, N300");

        // The next page is the next 25 entries in that order.
        await grid.Locator(".mud-table-pagination button[aria-label='Next page']").ClickAsync();
        await Assertions.Expect(grid.Locator(".mud-table-pagination-caption").Last).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^26.50 of 300$"));
        await Assertions.Expect(grid.Locator("[data-test=basket-link]").First).ToHaveTextAsync("Big, N275");
        await Assertions.Expect(grid.Locator("[data-test=basket-item]")).ToHaveCountAsync(25);

        // Removing one entry leaves 299 in the basket and the counter.
        await grid.Locator("[data-test=basket-remove]").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=basket-size]")).ToHaveTextAsync("299 items");
        // The badge says "99+" above 99; its link names the exact number.
        await Assertions.Expect(page.Locator("[data-test=basket-count-export] a")).ToHaveAttributeAsync("aria-label", "Export basket: 299");
        await Assertions.Expect(grid.Locator("[data-test=basket-link]").First).ToHaveTextAsync("Big, N274");

        // A study deleted from Orthanc meanwhile is a row marked missing on its page, not an error for the page.
        (await fixture.Local.Http.DeleteAsync($"studies/{ids[0]}")).EnsureSuccessStatusCode();
        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(grid.Locator("[data-test=basket-missing]")).ToHaveCountAsync(1);
        await Assertions.Expect(grid.Locator("[data-test=basket-missing]")).ToContainTextAsync("Big, N001: no longer in Orthanc");
        await Assertions.Expect(grid.Locator("[data-test=basket-link]").First).ToHaveTextAsync("Big, N002");
        await Assertions.Expect(grid.Locator("[data-test=basket-item]")).ToHaveCountAsync(25);

        await page.SetViewportSizeAsync(Viewports.Narrow.Width, Viewports.Narrow.Height);
        await PageChecks.AssertPageAsync(page, "export-basket-300");
        var german = await fixture.Browser.SignedInPageAsync(fixture.Portal, "bigbasket", PortalFixture.Password, locale: "de-DE");
        await german.GotoAsync("baskets/export");
        await BrowserFixture.WaitForInteractiveAsync(german);
        await Assertions.Expect(german.Locator("[data-test=basket-size]")).ToHaveTextAsync("299 Einträge");
        await Assertions.Expect(german.Locator("[data-test=basket-added]").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$"));
        await PageChecks.AssertPageAsync(german, "export-basket-300-de");
    }
}

public sealed class DeleteBasketBrowserTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    private async Task<string> StoreStudyAsync(string patientId, string name)
    {
        var study = TestDicom.Study(TestDicom.Patient(patientId, name), "CT", instances: 1);
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);
        var found = JsonNode.Parse(await (await fixture.Local.Http.PostAsync("tools/lookup", new StringContent(study.StudyUid))).Content.ReadAsStringAsync())!.AsArray();
        return found.Single(n => n!["Type"]!.GetValue<string>() == "Study")!["ID"]!.GetValue<string>();
    }

    private static async Task AddAsync(IPage page, string id) =>
        (await page.Context.APIRequest.PostAsync("api/baskets/Delete", new APIRequestContextOptions
        {
            DataObject = new { Items = new[] { new { Level = "Study", OrthancId = id } } },
        })).Status.ShouldBe(200);

    [Fact]
    public async Task The_Delete_basket_asks_for_confirmation_then_deletes_in_a_task_and_says_1_of_1_deleted_after_a_reload()
    {
        var id = await StoreStudyAsync("WEB-DEL", "Remove^Rita");
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        await AddAsync(page, id);
        await page.GotoAsync("baskets/delete");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=basket-link]")).ToHaveTextAsync("Remove, Rita");
        await Assertions.Expect(page.Locator("[data-test=basket-link]")).ToHaveAttributeAsync("href", $"content/studies/{id}");
        await page.ClickAsync("[data-test=delete-run]");
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("deleted from Orthanc for good");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=delete-done]")).ToHaveTextAsync("1 of 1 deleted.", new() { Timeout = 30_000 });
        (await fixture.Local.Http.GetAsync($"studies/{id}")).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
        await Assertions.Expect(page.Locator("[data-test=basket-count-delete] .mud-badge")).ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator("[data-test=delete-task-link]")).ToBeVisibleAsync();

        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=delete-done]")).ToHaveTextAsync("1 of 1 deleted.");
        await Assertions.Expect(page.Locator("[data-test=basket-empty]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Empty_basket_asks_then_removes_everything_without_deleting()
    {
        var id = await StoreStudyAsync("WEB-DEL-E", "Keep^Karl");
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        await AddAsync(page, id);
        await page.GotoAsync("baskets/delete");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.ClickAsync("[data-test=basket-clear]");
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Empty basket" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=basket-empty]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-test=basket-count-delete] .mud-badge")).ToHaveTextAsync("0");
        (await fixture.Local.Http.GetAsync($"studies/{id}")).IsSuccessStatusCode.ShouldBeTrue("emptying the basket deletes nothing");
    }

    [Fact]
    public async Task The_Delete_basket_passes_the_page_checks_at_both_sizes_and_reads_German_dates()
    {
        var id = await StoreStudyAsync("WEB-DEL-P", "Prüfung^Paula");
        foreach (var viewport in new[] { Viewports.Desktop, Viewports.Narrow })
        {
            var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password, viewport: viewport);
            await AddAsync(page, id);
            await page.GotoAsync("baskets/delete");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Assertions.Expect(page.Locator("[data-test=basket-item]")).ToHaveCountAsync(1);
            await PageChecks.AssertPageAsync(page, "delete-basket");
        }
        var german = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password, locale: "de-DE");
        await german.GotoAsync("baskets/delete");
        await BrowserFixture.WaitForInteractiveAsync(german);
        await Assertions.Expect(german.Locator("h1")).ToHaveTextAsync("Löschkorb");
        await Assertions.Expect(german.Locator("[data-test=basket-items]")).ToContainTextAsync("Ebene");
        await Assertions.Expect(german.Locator("[data-test=basket-date]").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{2}\.\d{2}\.\d{4}$"));
        await PageChecks.AssertPageAsync(german, "delete-basket-de");
        // The other tests of this class share the user's basket.
        (await german.Context.APIRequest.DeleteAsync($"api/baskets/Delete/{id}")).Status.ShouldBe(204);
    }
}
