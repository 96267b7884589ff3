using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrthancPortal.Features.Anonymization;
using OrthancPortal.Features.Audit;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Anonymization;

public sealed class PseudonymsPageBrowserTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task An_admin_creates_a_project_imports_a_table_and_searches_the_map()
    {
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        await page.GotoAsync("pseudonyms");
        await BrowserFixture.WaitForInteractiveAsync(page);

        // A bad name is refused at its field.
        await page.FillAsync("#pr-name", "no spaces please");
        await page.ClickAsync("[data-test=pr-create]");
        await Assertions.Expect(page.Locator("[data-test=new-project] .mud-input-helper-text.mud-input-error", new() { HasTextString = "1 to 64 letters" })).ToBeVisibleAsync();
        await page.FillAsync("#pr-name", "study-b");
        await page.FillAsync("#pr-prefix", "SB");
        await page.ClickAsync("[data-test=pr-create]");
        var project = page.Locator("tr[data-project='study-b']");
        await Assertions.Expect(project).ToContainTextAsync("SB000001");

        // An English browser imports a comma-separated table; a wrong line first makes the import name it and add nothing.
        var bad = Encoding.UTF8.GetBytes("Pseudonym,OriginalPatientID,DateShiftDays\r\nSB-OLD-1,KL-100,4\r\nSB-OLD-2,KL-100,2\r\n");
        await ImportAsync(page, project, "bad.csv", bad);
        await Assertions.Expect(page.Locator("[data-test=import-result]")).ToContainTextAsync("Line 3: KL-100 appears twice in the file.");
        var good = Encoding.UTF8.GetBytes("Pseudonym,OriginalPatientID,DateShiftDays\r\nSB-OLD-1,KL-100,4\r\nSB-OLD-2,KL-200,-2\r\n");
        await ImportAsync(page, project, "good.csv", good);
        await Assertions.Expect(page.Locator("[data-test=import-result]")).ToContainTextAsync("study-b: 2 pseudonyms imported, 0 were already in the table.");

        await project.Locator("[data-test=show-map]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=map] [data-pseudonym]")).ToHaveCountAsync(2);
        await page.FillAsync("input[data-test=map-search], [data-test=map-search] input", "KL-200");
        await Assertions.Expect(page.Locator("[data-test=map] [data-pseudonym]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-test=map] tbody tr:has([data-pseudonym='SB-OLD-2'])")).ToContainTextAsync("-2 days");
        await Features.Automation.AutomationPageParts.DismissSnackbarsAsync(page);
        await PageChecks.AssertPageAsync(page, "pseudonyms");

        var narrow = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password, viewport: Viewports.Narrow);
        await narrow.GotoAsync("pseudonyms");
        await BrowserFixture.WaitForInteractiveAsync(narrow);
        await narrow.Locator("tr[data-project='study-b'] [data-test=show-map]").ClickAsync();
        await Assertions.Expect(narrow.Locator("[data-test=map] [data-pseudonym]")).ToHaveCountAsync(2);
        await PageChecks.AssertPageAsync(narrow, "pseudonyms");
    }

    [Fact]
    public async Task A_German_user_sees_the_map_in_German_with_German_dates_and_imports_a_semicolon_table()
    {
        using (var scope = fixture.Portal.Services.CreateScope())
        {
            var pseudonyms = scope.ServiceProvider.GetRequiredService<PseudonymService>();
            await pseudonyms.CreateProjectAsync("studie-de", PseudonymMode.Random, "DE", 6, new Actor(null, "test", null));
            await pseudonyms.GetOrCreateAsync("studie-de", "MÜLLER-7", 30);
        }
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password, locale: "de-DE");
        await page.GotoAsync("pseudonyms");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Pseudonym-Tabellen");
        var project = page.Locator("tr[data-project='studie-de']");
        await Assertions.Expect(project).ToContainTextAsync("DE und 6 zufällige Zeichen");

        // German Excel writes ';' and Windows-1252.
        var table = Encoding.Latin1.GetBytes("Pseudonym;OriginalPatientID;DateShiftDays\r\nDE-ALT-1;WEIß-1;5\r\n");
        await ImportAsync(page, project, "tabelle.csv", table);
        await Assertions.Expect(page.Locator("[data-test=import-result]")).ToContainTextAsync("studie-de: 1 Pseudonym importiert, 0 waren bereits in der Tabelle.");

        await project.Locator("[data-test=show-map]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=map] [data-pseudonym]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-test=map] tbody")).ToContainTextAsync("WEIß-1");
        await Assertions.Expect(page.Locator("[data-test=map] thead")).ToContainTextAsync("Ursprüngliche Patienten-ID");
        var created = await page.Locator("[data-test=map] tbody tr").First.Locator("td").Nth(3).InnerTextAsync();
        created.ShouldMatch(@"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$");
        await Features.Automation.AutomationPageParts.DismissSnackbarsAsync(page);
        await PageChecks.AssertPageAsync(page, "pseudonyms-de");
    }

    [Fact]
    public async Task A_user_without_the_map_permission_cannot_open_the_page()
    {
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);
        (await user.GetAsync("pseudonyms")).StatusCode.ShouldBe(System.Net.HttpStatusCode.Forbidden);
    }

    private static async Task ImportAsync(IPage page, ILocator project, string name, byte[] content)
    {
        var chooser = await page.RunAndWaitForFileChooserAsync(() => project.Locator("[data-test=import-map]").ClickAsync());
        await chooser.SetFilesAsync(new FilePayload { Name = name, MimeType = "text/csv", Buffer = content });
    }
}
