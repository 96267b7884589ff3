using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrthancPortal.Features.Anonymization;
using OrthancPortal.Features.Audit;
using OrthancPortal.Tests.Harness;
using static OrthancPortal.Tests.Features.Automation.AutomationPageParts;

namespace OrthancPortal.Tests.Features.Automation;

public sealed class AutomationBrowserTests(AutomationBrowserFixture fixture) : IClassFixture<AutomationBrowserFixture>
{
    [Fact]
    public async Task A_user_creates_a_rule_and_sees_its_run_appear_in_the_log_without_a_reload()
    {
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        await BrowserFixture.OpenFromMenuAsync(page, "automation");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=no-runs]")).ToBeVisibleAsync();

        await page.ClickAsync("[data-test=new-rule]");
        await page.FillAsync("input#rule-name", "ui-rule");
        await page.FillAsync("#rule-comment", "made in the browser");
        await page.ClickAsync("[data-test=add-condition]");
        await page.FillAsync("input[data-test=condition-tag], [data-test=condition-tag] input", "PatientID");
        await ChooseAsync(page, "[data-test=condition-level]", "Patient");
        await page.FillAsync("input[data-test=condition-value], [data-test=condition-value] input", "uirule");
        await page.ClickAsync("[data-test=save-rule]");
        await DismissSnackbarsAsync(page);
        var row = page.Locator("tr.rule-row", new() { Has = page.Locator("[data-rule='ui-rule']") });
        await Assertions.Expect(row).ToContainTextAsync("Patient PatientID contains “uirule”");
        await Assertions.Expect(row).ToContainTextAsync("1. Download to the output folder");
        // The rules grid filters in the store: a text no rule has leaves none (and says so), the rule's condition value finds it.
        await page.FillAsync("input[data-test=rule-filter], [data-test=rule-filter] input", "no rule has this");
        await Assertions.Expect(page.Locator("[data-test=no-rules]")).ToContainTextAsync("No rule matches");
        await page.FillAsync("input[data-test=rule-filter], [data-test=rule-filter] input", "UIRULE");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await page.FillAsync("input[data-test=rule-filter], [data-test=rule-filter] input", "");
        await Assertions.Expect(page.Locator("tr.rule-row")).Not.ToHaveCountAsync(0);

        // A broken rule file shows up with its reason, live, while the portal rule keeps working.
        await File.WriteAllTextAsync(Path.Combine(fixture.RulesFolder, "typo.json"), """{ "CheckOn": "Studdy" }""");
        await Assertions.Expect(page.Locator("[data-test=rule-file-error][data-file='typo.json']")).ToContainTextAsync("CheckOn must be one of Study, Series");

        var study = TestDicom.Study(TestDicom.Patient("UIRULE1", "Browser^Bea"), "CT", instances: 2);
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);

        var run = Run(page, "ui-rule");
        await Assertions.Expect(run).ToBeVisibleAsync(new() { Timeout = 40_000 });
        await Assertions.Expect(run.Locator("[data-test=run-output]")).ToContainTextAsync(Path.Combine(fixture.OutputFolder, "ui-rule", $"UIRULE1-Browser-EX{study.StudyId}"));
        Directory.Exists(Path.Combine(fixture.OutputFolder, "ui-rule", $"UIRULE1-Browser-EX{study.StudyId}")).ShouldBeTrue();

        // "Run again" from the log queues a task; its run shows up live as well.
        await run.Locator("[data-test=run-again]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=run-again-result], .mud-snackbar", new() { HasText = "Queued as task" }).First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-test=run][data-rule='ui-rule'][data-outcome=Succeeded]")).ToHaveCountAsync(2, new() { Timeout = 30_000 });

        // The dry run names each condition and the folder it would write.
        await row.Locator("[data-test=test-rule]").ClickAsync();
        await page.FillAsync("input[data-test=dry-run-study], [data-test=dry-run-study] input", study.StudyUid);
        await page.ClickAsync("[data-test=dry-run-go]");
        var target = page.Locator("[data-test=dry-run-target]");
        await Assertions.Expect(target).ToHaveAttributeAsync("data-matches", "true");
        await Assertions.Expect(target.Locator("[data-test=dry-run-condition][data-passed=true]")).ToContainTextAsync("value “UIRULE1”");
        await Assertions.Expect(target.Locator("[data-test=dry-run-plan]")).ToContainTextAsync($"UIRULE1-Browser-EX{study.StudyId}.WORKING");

        // The page with a rule, a run and the dry run open passes the page checks at both sizes; in German the run's time reads dd.MM.yyyy.
        await DismissSnackbarsAsync(page);
        await PageChecks.AssertPageAsync(page, "automation");
        var narrow = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password, viewport: Viewports.Narrow);
        await narrow.GotoAsync("automation");
        await BrowserFixture.WaitForInteractiveAsync(narrow);
        await Assertions.Expect(Run(narrow, "ui-rule").First).ToBeVisibleAsync();
        await narrow.ClickAsync("[data-test=new-rule]");
        await Assertions.Expect(narrow.Locator("[data-test=rule-editor]")).ToBeVisibleAsync();
        await PageChecks.AssertPageAsync(narrow, "automation");
        var german = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password, locale: "de-DE");
        await german.GotoAsync("automation");
        await BrowserFixture.WaitForInteractiveAsync(german);
        await Assertions.Expect(german.Locator("h5, .mud-typography-h5").First).ToHaveTextAsync("Automatisierungsregeln");
        await Assertions.Expect(german.Locator("[data-test=run]").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$"));
        await PageChecks.AssertPageAsync(german, "automation-de");

        // A viewer has no Automation permission: the page is refused on the server.
        using var viewer = await fixture.SignInAsync(PortalFixture.ViewerUser);
        // The page is refused (403, shown through the shared status page; on main at the time of writing that re-execution answers 404).
        var refused = await viewer.GetAsync("automation");
        refused.IsSuccessStatusCode.ShouldBeFalse();
        (await refused.Content.ReadAsStringAsync()).ShouldNotContain("Automation rules");
        (await viewer.GetAsync("api/automation/runs")).StatusCode.ShouldBe(System.Net.HttpStatusCode.Forbidden);
    }
}

internal static class AutomationPageParts
{
    /// <summary>A row of the run log: the grid's row holding the run's marker.</summary>
    public static ILocator Run(IPage page, string rule, string outcome = "Succeeded")
        => page.Locator("tr.run-row", new() { Has = page.Locator($"[data-test=run][data-rule='{rule}'][data-outcome={outcome}]") });

    /// <summary>Closes the snackbars (they cover buttons, and axe reads them mid-fade).</summary>
    public static async Task DismissSnackbarsAsync(IPage page)
    {
        var snackbars = page.Locator(".mud-snackbar");
        while (await snackbars.CountAsync() > 0)
        {
            try { await snackbars.First.Locator("button").ClickAsync(new() { Timeout = 2_000 }); } catch (Exception ex) when (ex is PlaywrightException or TimeoutException) { }
        }
        await Assertions.Expect(snackbars).ToHaveCountAsync(0);
    }

    /// <summary>Opens a MudSelect and picks the item with this text.</summary>
    public static async Task ChooseAsync(IPage page, string select, string item)
    {
        await page.ClickAsync(select);
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = item }).First.ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }
}

public sealed class IntakeRuleBrowserTests(AutomationBrowserFixture fixture) : IClassFixture<AutomationBrowserFixture>
{
    [Fact]
    public async Task A_user_makes_an_anonymizing_intake_rule_and_the_arriving_study_is_replaced_by_its_labelled_copy()
    {
        using (var scope = fixture.Portal.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<PseudonymService>().CreateProjectAsync("ui-intake", PseudonymMode.Sequential, "UI", 3, Actor.System);
        }
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        await page.GotoAsync("automation");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.ClickAsync("[data-test=new-rule]");
        await page.FillAsync("input#rule-name", "ui-intake");
        await page.ClickAsync("[data-test=add-condition]");
        await page.FillAsync("input[data-test=condition-tag], [data-test=condition-tag] input", "PatientID");
        await ChooseAsync(page, "[data-test=condition-level]", "Patient");
        await page.FillAsync("input[data-test=condition-value], [data-test=condition-value] input", "UIINTAKE");
        await ChooseAsync(page, "[data-test=action-kind]", "Anonymizing intake");
        await ChooseAsync(page, "[data-test=intake-action] [data-test=action-profile]", "Default v1");
        await page.ClickAsync("[data-test=action-project]");
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "ui-intake" }).ClickAsync();
        await page.FillAsync("input[data-test=action-done-label], [data-test=action-done-label] input", "intake-done");
        await Assertions.Expect(page.Locator("[data-test=intake-window]")).ToContainTextAsync("until the run ends (Orthanc's StableAge after the last image arrives) the original is visible");
        await Assertions.Expect(page.Locator("[data-test=intake-window]")).ToContainTextAsync("'intake-done'");
        await page.ClickAsync("input[data-test=rule-own-sources], [data-test=rule-own-sources] input");
        await Assertions.Expect(page.Locator("[data-test=sources-rule-summary]")).ToHaveTextAsync("sent by DICOM from any AET");
        await page.ClickAsync("[data-test=save-rule]");
        var row = page.Locator("tr.rule-row", new() { Has = page.Locator("[data-rule='ui-intake']") });
        await Assertions.Expect(row).ToContainTextAsync("keep only the verified copy (labelled intake-done)");

        var study = TestDicom.Study(TestDicom.Patient("UIINTAKE1", "Intake^Uma"), "CT", instances: 2);
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);
        var run = Run(page, "ui-intake");
        await Assertions.Expect(run).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(run.Locator("[data-test=run-output]")).ToContainTextAsync("deleted");
        var found = await fixture.Local.Http.PostAsync("tools/find", new StringContent("""{ "Level": "Study", "Query": { "PatientID": "UI001" }, "Labels": ["intake-done"] }"""));
        System.Text.Json.Nodes.JsonNode.Parse(await found.Content.ReadAsStringAsync())!.AsArray().Count.ShouldBe(1);
        var original = await fixture.Local.Http.PostAsync("tools/find", new StringContent($$"""{ "Level": "Study", "Query": { "StudyInstanceUID": "{{study.StudyUid}}" } }"""));
        System.Text.Json.Nodes.JsonNode.Parse(await original.Content.ReadAsStringAsync())!.AsArray().Count.ShouldBe(0);
    }
}
