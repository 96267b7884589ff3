using Microsoft.Playwright;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.QueryRetrieve;

public sealed class QueryPageBrowserTests(RobotsBrowserFixture fixture) : IClassFixture<RobotsBrowserFixture>
{
    [Fact]
    public async Task A_user_searches_the_remote_expands_a_study_and_retrieves_it_with_live_progress()
    {
        var study = TestDicom.Study(TestDicom.Patient("QP01", "Query^Page"), "MR", instances: 3, seriesCount: 2);
        await RobotsPortalFixture.SendAllAsync([study], fixture.Remote);

        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        await page.GotoAsync("query");
        await BrowserFixture.WaitForInteractiveAsync(page);
        // No remote is preselected: the search waits for one.
        (await page.InputValueAsync("[data-test=q-modality]")).ShouldBe("");
        await Assertions.Expect(page.Locator("[data-test=q-search]")).ToBeDisabledAsync();
        await page.SelectOptionAsync("[data-test=q-modality]", OrthancPair.RemoteModalityName);

        // All fields empty: the portal asks before querying everything.
        await page.ClickAsync("[data-test=q-search]");
        await Assertions.Expect(page.Locator("[data-test=confirm-dialog]")).ToBeVisibleAsync();
        await page.ClickAsync("[data-test=confirm-dialog] .btn-outline-secondary");

        await page.FillAsync("[data-test=q-pid]", "QP01");
        await page.ClickAsync("[data-test=q-search]");
        var row = page.Locator($"[data-test=q-results] tr[data-study='{study.StudyUid}']");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await row.Locator("[data-test=q-expand]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=q-results] tr[data-series]")).ToHaveCountAsync(2);

        await row.Locator("[data-test=q-retrieve-study]").ClickAsync();
        await Assertions.Expect(page.Locator($"[data-test=retrievals] [data-retrieve='{study.StudyUid}']")).ToHaveAttributeAsync("data-state", "Done", new() { Timeout = 30_000 });
        (await fixture.Local.GetJsonAsync("instances")).AsArray().Count.ShouldBe(study.InstanceCount);
    }
}
