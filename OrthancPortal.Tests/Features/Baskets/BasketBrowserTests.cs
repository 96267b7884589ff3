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
        await page.FillAsync("[data-test=bulk-prefix]", "STUDYX");
        await page.ClickAsync("[data-test=bulk-apply]");
        await Assertions.Expect(page.Locator("[data-test=new-name]").First).ToHaveValueAsync("STUDYX001");
        await page.ClickAsync("[data-test=anonymize-run]");
        await Assertions.Expect(page.Locator("[data-test=anon-result]")).ToHaveCountAsync(2, new() { Timeout = 30_000 });

        await page.ClickAsync("[data-test=push-export]");
        await Assertions.Expect(page.Locator("[data-test=basket-count-export] .mud-badge")).ToHaveTextAsync("2");
        await page.ClickAsync("[data-test=basket-count-export]");
        await page.WaitForURLAsync(u => u.Contains("/baskets/export"));
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=basket-item]")).ToHaveCountAsync(2);

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

public sealed class DeleteBasketBrowserTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task The_Delete_basket_asks_for_confirmation_then_deletes_in_a_task()
    {
        var study = TestDicom.Study(TestDicom.Patient("WEB-DEL", "Remove^Rita"), "CT", instances: 1);
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);
        var found = JsonNode.Parse(await (await fixture.Local.Http.PostAsync("tools/lookup", new StringContent(study.StudyUid))).Content.ReadAsStringAsync())!.AsArray();
        var id = found.Single(n => n!["Type"]!.GetValue<string>() == "Study")!["ID"]!.GetValue<string>();

        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        (await page.Context.APIRequest.PostAsync("api/baskets/Delete", new APIRequestContextOptions
        {
            DataObject = new { Items = new[] { new { Level = "Study", OrthancId = id } } },
        })).Status.ShouldBe(200);
        await page.GotoAsync("baskets/delete");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=basket-item]")).ToContainTextAsync("Remove^Rita");
        await page.ClickAsync("[data-test=delete-run]");
        await Assertions.Expect(page.Locator("[data-test=confirm-dialog]")).ToBeVisibleAsync();
        await page.ClickAsync("[data-test=confirm-yes]");
        await Assertions.Expect(page.Locator("[data-test=delete-done]")).ToBeVisibleAsync();
        (await fixture.Local.Http.GetAsync($"studies/{id}")).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
        await Assertions.Expect(page.Locator("[data-test=basket-count-delete] .mud-badge")).ToHaveTextAsync("0");
    }
}
