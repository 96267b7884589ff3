using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Robots;

public sealed class RobotBrowserTests(RobotsBrowserFixture fixture) : IClassFixture<RobotsBrowserFixture>
{
    [Fact]
    public async Task A_user_imports_a_CSV_runs_it_creates_a_robot_an_admin_approves_and_progress_reaches_100_percent_live()
    {
        var studies = Enumerable.Range(1, 3).Select(n => TestDicom.Study(TestDicom.Patient($"PW{n:D2}", $"Browser^P{n}"), "CT", instances: 2)).ToList();
        await RobotsPortalFixture.SendAllAsync(studies, fixture.Remote);
        var csv = "Patient Name;Patient ID;Accession Number;Date From;Date To;Study Description;Modalities;AET;Study Instance UID;Series Instance UID\r\n"
            + string.Concat(studies.Select(s => $";{s.Patient.PatientId};;;;;CT;;;\r\n"));

        var user = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        await user.GotoAsync("robots/new");
        await BrowserFixture.WaitForInteractiveAsync(user);
        await user.SelectOptionAsync("[data-test=r-modality]", OrthancPair.RemoteModalityName);
        await user.Locator("[data-test=r-import]").SetInputFilesAsync(new FilePayload
        {
            Name = "list.csv", MimeType = "text/csv", Buffer = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)],
        });
        await Assertions.Expect(user.Locator("[data-test=query-list] tbody tr")).ToHaveCountAsync(3);
        await Assertions.Expect(user.Locator("[data-test=import-encoding]")).ToContainTextAsync("UTF-8 (with BOM)");
        await user.ClickAsync("[data-test=r-run]");
        await Assertions.Expect(user.Locator("[data-test=r-results] tbody tr[data-answers='1']")).ToHaveCountAsync(3);
        await user.FillAsync("[data-test=r-project]", "Browser project");
        await user.ClickAsync("[data-test=r-create]");
        await user.WaitForURLAsync(new Regex(@"/robots/\d+$"));
        await Assertions.Expect(user.Locator("[data-test=awaiting-approval]")).ToBeVisibleAsync();
        var robotUrl = user.Url;

        var admin = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        await admin.GotoAsync(robotUrl);
        await BrowserFixture.WaitForInteractiveAsync(admin);
        await Assertions.Expect(admin.Locator("[data-test=robot-items] tbody tr[data-validation=Valid]")).ToHaveCountAsync(3);
        await admin.FillAsync("[data-test=w-start]", "00:00");
        await admin.FillAsync("[data-test=w-stop]", "00:00");
        await admin.FillAsync("[data-test=w-concurrency]", "2");
        await admin.ClickAsync("[data-test=approve]");
        await Assertions.Expect(admin.Locator("[data-test=approval]")).ToHaveCountAsync(0);

        // The user's page was never reloaded: the progress arrives through the live notifier.
        await Assertions.Expect(user.Locator("[data-test=robot-progress] [data-test=progress]")).ToHaveAttributeAsync("data-value", "100", new() { Timeout = 60_000 });
        await Assertions.Expect(user.Locator("[data-test=robot-status]")).ToHaveAttributeAsync("data-status", "Completed");
        await Assertions.Expect(user.Locator("[data-test=robot-items] [data-test=local-study]")).ToHaveCountAsync(3);
        user.Url.ShouldBe(robotUrl);
    }
}
