using System.Collections.Concurrent;
using Microsoft.Playwright;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Shares;

/// <summary>The share fixture with Chromium.</summary>
public sealed class ShareBrowserFixture : ShareFixture
{
    protected override bool UsesBrowser => true;
}

/// <summary>A share link in a fresh browser with no account: the landing page, then OHIF and the Orthanc Web Viewer draw the study.</summary>
public sealed class ShareBrowserTests(ShareBrowserFixture fixture) : IClassFixture<ShareBrowserFixture>
{
    [Fact]
    public async Task A_share_link_opens_its_study_in_OHIF_and_the_web_viewer_without_an_account()
    {
        var share = await fixture.CreateShareAsync(PortalFixture.StandardUser, [fixture.StudyId]);
        var page = await fixture.Browser.NewPageAsync(fixture.Portal);
        var answers = new ConcurrentBag<(string Url, int Status)>();
        page.Context.Response += (_, response) => answers.Add((response.Url, response.Status));

        await page.GotoAsync(share.Path);
        await Assertions.Expect(page.Locator("[data-test=share-landing]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-test=share-study]")).ToHaveCountAsync(1);

        var ohif = await page.RunAndWaitForPopupAsync(() => page.Locator("[data-test=share-open-ohif]").ClickAsync());
        // The viewport canvas holds the image once some pixel is not black (the synthetic CT is a grey ramp).
        await ohif.WaitForFunctionAsync("""
            () => [...document.querySelectorAll('.cornerstone-canvas, [data-viewport-uid] canvas')].some(c => {
              if (c.width === 0 || c.height === 0) return false;
              const context = c.getContext('2d');
              if (!context) return false;
              const data = context.getImageData(0, 0, c.width, c.height).data;
              for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] > 30) return true;
              return false;
            })
            """, null, new PageWaitForFunctionOptions { Timeout = 180_000, PollingInterval = 500 });
        answers.ShouldContain(a => a.Url.Contains("/frames/", StringComparison.Ordinal) && a.Status == 200);

        var image = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Context.Response += (_, r) =>
        {
            if (r.Url.Contains("/web-viewer/instances/jpeg95-", StringComparison.Ordinal) && r.Status == 200) image.TrySetResult();
        };
        var webViewer = await page.RunAndWaitForPopupAsync(() => page.Locator("[data-test=share-open-webviewer]").First.ClickAsync());
        await image.Task.WaitAsync(TimeSpan.FromSeconds(90));
        await Assertions.Expect(webViewer.Locator("#dicomImage canvas")).ToBeVisibleAsync();

        answers.Where(a => a.Status >= 400).ShouldBeEmpty();
        var audit = fixture.AuditOf($"share:{share.Id}");
        audit.ShouldContain(e => e.Action == "share.open");
        audit.Where(e => e.Action == "share.view").Select(e => e.Resource).Order().ShouldBe(["ohif", "web-viewer"]);

        // The same browser reaches nothing else of the portal with the share's cookie.
        var studies = await page.GotoAsync("content/studies");
        page.Url.ShouldContain("/account/login");
        (await page.Context.CookiesAsync()).Where(c => c.Name == "portal.share").Select(c => c.Path).Order().ShouldBe(["/dicom-web", "/ohif", "/s", "/wado", "/web-viewer"]);
        studies.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_sharer_shares_a_study_from_its_page_and_revokes_the_link_on_the_shares_page()
    {
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        await page.GotoAsync($"content/studies/{fixture.StudyId}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.ClickAsync("[data-test=share-study-button]");
        // MudBlazor puts a field's data-test on its input or on the element around it.
        await page.Locator("input[data-test=share-days], [data-test=share-days] input").First.FillAsync("3");
        await page.Locator("input[data-test=share-allow-download], [data-test=share-allow-download] input").First.CheckAsync();
        await page.ClickAsync("[data-test=share-create]");
        var linkField = page.Locator("input[data-test=share-link], [data-test=share-link] input").First;
        await Assertions.Expect(linkField).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("/s/"));
        var link = await linkField.InputValueAsync();
        link.ShouldStartWith($"{fixture.Portal.Url}s/");

        // The recipient: a fresh browser without an account.
        var visitor = await fixture.Browser.NewPageAsync(fixture.Portal);
        await visitor.GotoAsync(link);
        await Assertions.Expect(visitor.Locator("[data-test=share-download]")).ToBeVisibleAsync();

        await page.GotoAsync("shares");
        await BrowserFixture.WaitForInteractiveAsync(page);
        var row = page.Locator("tr.share-row").First;
        await Assertions.Expect(row.Locator("[data-test=share-opens]")).ToContainTextAsync("1");
        await Assertions.Expect(row.Locator("[data-test=share-state]")).ToHaveTextAsync("active");
        await row.Locator("[data-test=share-revoke]").ClickAsync();
        await Assertions.Expect(row.Locator("[data-test=share-state]")).ToHaveTextAsync($"revoked by {PortalFixture.StandardUser}");

        var gone = await visitor.GotoAsync(link);
        gone!.Status.ShouldBe(410);
        await Assertions.Expect(visitor.Locator("[data-test=share-unavailable]")).ToContainTextAsync("withdrawn");
    }

    [Fact]
    public async Task The_landing_page_passes_the_checks_at_both_sizes_and_reads_German_with_dd_MM_yyyy()
    {
        var share = await fixture.CreateShareAsync(PortalFixture.StandardUser, [fixture.StudyId, fixture.OtherStudyId], allowDownload: true, days: 3);
        var until = DateTime.Today.AddDays(3);
        foreach (var viewport in new[] { Viewports.Desktop, Viewports.Narrow })
        {
            var page = await fixture.Browser.NewPageAsync(fixture.Portal, viewport: viewport);
            await page.GotoAsync(share.Path);
            await Assertions.Expect(page.Locator("[data-test=share-study]")).ToHaveCountAsync(2);
            await Assertions.Expect(page.Locator("[data-test=share-open-all-ohif]")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-test=share-download]")).ToHaveCountAsync(2);
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync(until.ToString("dd/MM/yyyy"));
            await PageChecks.AssertPageAsync(page, "share-landing");
            await page.Context.CloseAsync();
        }

        var german = await fixture.Browser.NewPageAsync(fixture.Portal, locale: "de-DE");
        await german.GotoAsync(share.Path);
        await Assertions.Expect(german.Locator("[data-test=share-landing]")).ToHaveTextAsync("Geteilte Studien");
        await Assertions.Expect(german.Locator("[data-test=share-open-all-ohif]")).ToContainTextAsync("Alle in OHIF öffnen");
        await Assertions.Expect(german.Locator("main")).ToContainTextAsync($"einsehbar bis {until:dd.MM.yyyy}");
        // The study is named as people read it, not as DICOM stores it (Other^Patient, yyyyMMdd).
        await Assertions.Expect(german.Locator("main")).ToContainTextAsync($"Other, Patient · {DateTime.Today:dd.MM.yyyy} · MR study");
        await PageChecks.AssertPageAsync(german, "share-landing-de");

        // A link that leads nowhere: the reason in a sentence, at the narrow size too.
        var lost = await fixture.Browser.NewPageAsync(fixture.Portal, locale: "de-DE", viewport: Viewports.Narrow);
        await lost.GotoAsync("s/" + new string('B', 43));
        await Assertions.Expect(lost.Locator("[data-test=share-unavailable]")).ToContainTextAsync("Diesen Link gibt es nicht");
        await PageChecks.AssertPageAsync(lost, "share-unknown-de");
    }

    [Fact]
    public async Task The_shares_page_passes_the_checks_at_both_sizes_and_reads_German_with_dd_MM_yyyy()
    {
        await fixture.CreateShareAsync(PortalFixture.StandardUser, [fixture.OtherStudyId], days: 2);
        var until = DateTime.Today.AddDays(2);
        foreach (var viewport in new[] { Viewports.Desktop, Viewports.Narrow })
        {
            var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password, viewport: viewport);
            await page.GotoAsync("shares");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Assertions.Expect(page.Locator("tr.share-row").First).ToBeVisibleAsync();
            await PageChecks.AssertPageAsync(page, "shares");
            await page.Context.CloseAsync();
        }

        var german = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password, locale: "de-DE");
        await german.GotoAsync("shares");
        await BrowserFixture.WaitForInteractiveAsync(german);
        await Assertions.Expect(german.Locator("h1")).ToHaveTextAsync("Freigabelinks");
        var row = german.Locator("tr.share-row").First;
        await Assertions.Expect(row).ToContainTextAsync($"Other, Patient · {DateTime.Today:dd.MM.yyyy} · MR study");
        await Assertions.Expect(row).ToContainTextAsync(until.ToString("dd.MM.yyyy"));
        await Assertions.Expect(row.Locator("[data-test=share-state]")).ToHaveTextAsync("aktiv");
        await PageChecks.AssertPageAsync(german, "shares-de");
    }
}
