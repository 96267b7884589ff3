using System.Net;
using Microsoft.Playwright;
using OrthancPortal.Tests.Features.Content;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Labels;

public sealed class LabelBrowserTests(BrowserLabelFixture fixture) : IClassFixture<BrowserLabelFixture>
{
    [Fact]
    public async Task A_label_added_to_two_studies_in_bulk_filters_the_list_and_a_viewer_limited_to_it_sees_only_those()
    {
        var (tag, studies) = await fixture.StoreStudiesAsync(3);
        var other = await fixture.PartsAsync(studies[2]);

        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        await page.GotoAsync("content/studies");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.FillAsync(StudyList.NameFilter, $"{tag}*");
        await page.ClickAsync("[data-test=search]");
        var rows = StudyList.Rows(page);
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        foreach (var id in studies.Take(2)) await StudyList.Row(page, id).Locator("[data-test=select-study] input, input[data-test=select-study]").First.CheckAsync();
        await Assertions.Expect(page.Locator("[data-test=selected-count]")).ToContainTextAsync("2 selected");
        await page.FillAsync("[data-test=bulk-label]", LabelFixture.Research);
        await page.ClickAsync("[data-test=bulk-add-label]");
        await Assertions.Expect(page.Locator("[data-test=row-label]")).ToHaveCountAsync(2);

        await page.FillAsync("input[data-test=q-labels], [data-test=q-labels] input", LabelFixture.Research);
        await page.ClickAsync("[data-test=search]");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-test=study-count]")).ToHaveTextAsync("Studies 1–2 of 2");

        // The study page shows the label, and one more added there.
        await page.GotoAsync($"content/studies/{studies[0]}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=study-label]")).ToHaveTextAsync(LabelFixture.Research);
        await page.FillAsync("[data-test=new-label]", "teaching");
        await page.ClickAsync("[data-test=add-label]");
        await Assertions.Expect(page.Locator("[data-test=study-label]")).ToHaveCountAsync(2);

        var research = await fixture.Browser.SignedInPageAsync(fixture.Portal, LabelFixture.ResearchUser, PortalFixture.Password);
        await research.GotoAsync("content/studies");
        await BrowserFixture.WaitForInteractiveAsync(research);
        await research.FillAsync(StudyList.NameFilter, $"{tag}*");
        await research.ClickAsync("[data-test=search]");
        var seen = StudyList.Rows(research);
        await Assertions.Expect(seen).ToHaveCountAsync(2);
        (await StudyList.IdsAsync(research)).Order().ShouldBe(studies.Take(2).Order());
        await Assertions.Expect(research.Locator("[data-test=bulk-labels]")).ToHaveCountAsync(0);

        // The other study: the page says why, the proxy and the download refuse (same cookies as the page).
        await research.GotoAsync($"content/studies/{other.StudyId}");
        await Assertions.Expect(research.Locator("[data-test=load-error]")).ToContainTextAsync("your role sees only studies labelled research");
        (await research.APIRequest.GetAsync($"instances/{other.InstanceId}/preview")).Status.ShouldBe((int)HttpStatusCode.Forbidden);
        (await research.APIRequest.GetAsync($"dicom-web/studies/{other.StudyUid}/metadata")).Status.ShouldBe((int)HttpStatusCode.Forbidden);
        (await research.APIRequest.GetAsync($"content/download/studies/{other.StudyId}")).Status.ShouldBe((int)HttpStatusCode.Forbidden);
        (await research.APIRequest.GetAsync($"content/download/studies/{studies[0]}")).Status.ShouldBe((int)HttpStatusCode.OK);
    }
}
