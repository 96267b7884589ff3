using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.QueryRetrieve;

public sealed class QueryPageBrowserTests(RobotsBrowserFixture fixture) : IClassFixture<RobotsBrowserFixture>
{
    private const string Remote = "[data-test=q-modality]";

    private static ILocator StudyRow(IPage page, string studyUid)
        => page.Locator("[data-test=q-results] tbody tr", new() { Has = page.Locator($"span[data-study='{studyUid}']") });

    [Fact]
    public async Task A_user_searches_the_remote_expands_a_study_retrieves_it_with_live_progress_and_finds_it_under_my_tasks()
    {
        var study = TestDicom.Study(TestDicom.Patient("QP01", "Query^Page"), "MR", instances: 3, seriesCount: 2);
        await RobotsPortalFixture.SendAllAsync([study], fixture.Remote);

        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        await page.GotoAsync("query");
        await BrowserFixture.WaitForInteractiveAsync(page);
        // This user never queried: no remote is preselected and the search waits for one.
        (await MudInputs.SelectedAsync(page, Remote)).ShouldBe("");
        await Assertions.Expect(page.Locator("[data-test=q-search]")).ToBeDisabledAsync();
        await MudInputs.ChooseAsync(page, Remote, OrthancPair.RemoteModalityName);

        // All fields empty: the portal asks before querying everything.
        await page.ClickAsync("[data-test=q-search]");
        await Assertions.Expect(MudInputs.Dialog(page)).ToContainTextAsync("Query everything?");
        await MudInputs.AnswerDialogAsync(page, "Cancel");

        await page.FillAsync("[data-test=q-pid]", "QP01");
        await page.ClickAsync("[data-test=q-search]");
        var row = StudyRow(page, study.StudyUid);
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync("Query, Page");
        await Assertions.Expect(row.Locator("[data-test=q-answer-count]")).ToHaveTextAsync("2 / 6");
        await row.Locator("[data-test=q-expand]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=q-results] tr[data-series]")).ToHaveCountAsync(2);

        await row.Locator("[data-test=q-retrieve-study]").ClickAsync();
        await Assertions.Expect(page.Locator($"[data-test=retrievals] [data-retrieve='{study.StudyUid}']")).ToHaveAttributeAsync("data-state", "Done", new() { Timeout = 30_000 });
        (await fixture.Local.GetJsonAsync("instances")).AsArray().Count.ShouldBe(study.InstanceCount);

        // The retrieve is a task: "My tasks" lists it as succeeded and links to the study it made.
        await page.GotoAsync("tasks");
        await BrowserFixture.WaitForInteractiveAsync(page);
        var task = page.Locator("[data-test=tasks] tbody tr", new() { HasText = "Query, Page" }).First;
        await Assertions.Expect(task.Locator("[data-test=task-state]")).ToHaveAttributeAsync("data-state", "Succeeded");
        await Assertions.Expect(task.Locator("[data-test=task-progress]")).ToHaveAttributeAsync("data-value", "100");
        await PageChecks.AssertPageAsync(page, "tasks");
        await task.Locator("[data-test=task-result]").ClickAsync();
        await page.WaitForURLAsync(new Regex("/content/studies/[0-9a-f-]{44}$"));
    }

    [Fact]
    public async Task The_query_page_preselects_the_remote_the_user_queried_last_and_shows_dates_in_the_users_culture()
    {
        var study = TestDicom.Study(TestDicom.Patient("QP02", "Müller^Jürgen"), "CT", instances: 1, date: "20240302", description: "CT Kopf");
        await RobotsPortalFixture.SendAllAsync([study], fixture.Remote);

        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        await page.GotoAsync("query");
        await BrowserFixture.WaitForInteractiveAsync(page);
        (await MudInputs.SelectedAsync(page, Remote)).ShouldBe("");
        await PageChecks.AssertPageAsync(page, "query-empty");
        await MudInputs.ChooseAsync(page, Remote, OrthancPair.RemoteModalityName);
        await page.FillAsync("[data-test=q-pid]", "QP02");
        await page.ClickAsync("[data-test=q-search]");
        await Assertions.Expect(page.Locator("[data-test=q-count]")).ToContainTextAsync("Studies found on remote: 1");
        var row = StudyRow(page, study.StudyUid);
        await Assertions.Expect(row).ToContainTextAsync("Müller, Jürgen");
        await Assertions.Expect(row.Locator("[data-test=q-date-cell]")).ToHaveTextAsync("02/03/2024");
        await PageChecks.AssertPageAsync(page, "query");

        // Next visit (a new circuit): the remote of the last query is chosen already.
        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        (await MudInputs.SelectedAsync(page, Remote)).ShouldBe(OrthancPair.RemoteModalityName);
        await Assertions.Expect(page.Locator("[data-test=q-search]")).ToBeEnabledAsync();

        // German, at 800 px: labels German, dates dd.MM.yyyy, nothing overflows.
        var german = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password, locale: "de-DE", viewport: Viewports.Narrow);
        await german.GotoAsync("query");
        await BrowserFixture.WaitForInteractiveAsync(german);
        (await MudInputs.SelectedAsync(german, Remote)).ShouldBe(OrthancPair.RemoteModalityName);
        await german.FillAsync("[data-test=q-pid]", "QP02");
        await german.ClickAsync("[data-test=q-search]");
        await Assertions.Expect(StudyRow(german, study.StudyUid).Locator("[data-test=q-date-cell]")).ToHaveTextAsync("02.03.2024");
        await Assertions.Expect(german.Locator("[data-test=q-search]")).ToHaveTextAsync("Suchen");
        await Assertions.Expect(german.Locator("h1")).ToHaveTextAsync("Abfrage / Abruf");
        await PageChecks.AssertPageAsync(german, "query-de");
    }
}
