using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using OrthancPortal.Infrastructure.Dicom;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Burner;

/// <summary>The burner fixture with the service stopped at first, and a browser.</summary>
public sealed class BurnerBrowserFixture : BurnerFixture
{
    protected override bool UsesBrowser => true;
    protected override bool StartRunning => false;
}

public sealed class BurnerMonitorPageTests(BurnerBrowserFixture fx) : IClassFixture<BurnerBrowserFixture>
{
    [Fact]
    public async Task The_monitor_shows_a_job_moving_from_queued_to_done_without_a_reload()
    {
        var study = TestDicom.Study(TestDicom.Patient("BURNUI", "Screen^Sam"), "CT", instances: 1, description: "CT Kopf");
        const string sop = "1.2.826.0.1.3680043.10.543.99.1";
        var stored = await (await fx.Local.Http.PostAsync("instances", new ByteArrayContent(
            DicomFileWriter.Write(TestDicom.Instance(study, study.Series[0], 1, sop), study.Series[0].SopClassUid, sop)))).Content.ReadFromJsonAsync<JsonObject>();
        var studyId = stored!["ParentStudy"]!.GetValue<string>();

        var page = await fx.Browser.SignedInPageAsync(fx.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        await page.GotoAsync("burner");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=burner-service-state]")).ToHaveTextAsync("Service stopped");
        // A marker that a reload would wipe out.
        await page.EvaluateAsync("() => window.burnerNoReload = true");

        // "Burn this study" through its endpoint, while the service is stopped: the job waits in the queue.
        using var user = await fx.SignInAsync(PortalFixture.StandardUser);
        var accepted = await user.PostAsync($"api/burner/studies/{studyId}/burn", null);
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var jobId = (await accepted.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!.GetValue<long>();

        var row = page.Locator($"tr.burner-job-{jobId}");
        var state = row.Locator("[data-test=burner-job-state]");
        await Assertions.Expect(state).ToHaveAttributeAsync("data-state", "Queued");
        await Assertions.Expect(row).ToContainTextAsync("Screen Sam");
        await Assertions.Expect(row).ToContainTextAsync("CT Kopf");

        await page.ClickAsync("[data-test=burner-start]");
        await Assertions.Expect(page.Locator("[data-test=burner-service-state]")).ToHaveTextAsync("Service running");
        await Assertions.Expect(state).ToHaveAttributeAsync("data-state", "Done", new() { Timeout = 40_000 });
        await Assertions.Expect(state).ToHaveTextAsync("Done");
        await Assertions.Expect(row).ToContainTextAsync("CD");
        (await page.EvaluateAsync<bool>("() => window.burnerNoReload === true")).ShouldBeTrue("the page was never reloaded");
        // The page, not the fading "service running" snackbar, is what the checks look at.
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await PageChecks.AssertPageAsync(page, "burner");

        var narrow = await fx.Browser.SignedInPageAsync(fx.Portal, PortalFixture.StandardUser, PortalFixture.Password, locale: "de-DE", viewport: Viewports.Narrow);
        await narrow.GotoAsync("burner");
        await BrowserFixture.WaitForInteractiveAsync(narrow);
        await Assertions.Expect(narrow.Locator($"tr.burner-job-{jobId} [data-test=burner-job-state]")).ToHaveTextAsync("Fertig");
        await PageChecks.AssertPageAsync(narrow, "burner-de");
    }

    [Fact]
    public async Task Burner_settings_refuse_a_missing_folder_with_the_reason_at_the_field()
    {
        var page = await fx.Browser.SignedInPageAsync(fx.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        await page.GotoAsync("admin/burner");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.FillAsync("#monitored", "/no/such/burner/folder");
        await page.ClickAsync("[data-test=save]");
        var monitoredError = page.Locator(".mud-input-control:has(#monitored) .mud-input-helper-text.mud-input-error");
        await Assertions.Expect(monitoredError).ToContainTextAsync("'/no/such/burner/folder' does not exist");
        await PageChecks.AssertPageAsync(page, "burner-settings");

        await page.FillAsync("#monitored", fx.Monitored);
        await page.ClickAsync("[data-test=save]");
        await Assertions.Expect(page.GetByText("Burner settings saved.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".mud-input-error")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-test=settings-error]")).ToHaveCountAsync(0);

        var narrow = await fx.Browser.SignedInPageAsync(fx.Portal, PortalFixture.AdminUser, PortalFixture.Password, viewport: Viewports.Narrow);
        await narrow.GotoAsync("admin/burner");
        await BrowserFixture.WaitForInteractiveAsync(narrow);
        await Assertions.Expect(narrow.Locator("#monitored")).ToHaveValueAsync(fx.Monitored);
        await PageChecks.AssertPageAsync(narrow, "burner-settings");
        var german = await fx.Browser.SignedInPageAsync(fx.Portal, PortalFixture.AdminUser, PortalFixture.Password, locale: "de-DE", viewport: Viewports.Narrow);
        await german.GotoAsync("admin/burner");
        await BrowserFixture.WaitForInteractiveAsync(german);
        await Assertions.Expect(german.Locator("h1")).ToHaveTextAsync("Einstellungen CD/DVD-Brenner");
        await PageChecks.AssertPageAsync(german, "burner-settings-de");
    }
}
