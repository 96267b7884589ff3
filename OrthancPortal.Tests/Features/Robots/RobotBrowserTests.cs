using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrthancPortal.Tests.Features.QueryRetrieve;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Robots;

public sealed class RobotBrowserTests(RobotsBrowserFixture fixture) : IClassFixture<RobotsBrowserFixture>
{
    [Fact]
    public async Task A_user_imports_a_CSV_runs_it_creates_a_robot_an_admin_approves_and_progress_reaches_100_percent_live()
    {
        var studies = Enumerable.Range(1, 3).Select(n => TestDicom.Study(TestDicom.Patient($"PW{n:D2}", $"Browser^P{n}"), "CT", instances: 2, date: "20240302")).ToList();
        await RobotsPortalFixture.SendAllAsync(studies, fixture.Remote);
        var csv = "Patient Name;Patient ID;Accession Number;Date From;Date To;Study Description;Modalities;AET;Study Instance UID;Series Instance UID\r\n"
            + string.Concat(studies.Select(s => $";{s.Patient.PatientId};;;;;CT;;;\r\n"));

        var user = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        // "New robot" is a button on the robots page (the menu has no entry for it).
        await user.GotoAsync("robots");
        await BrowserFixture.WaitForInteractiveAsync(user);
        await user.ClickAsync("[data-test=new-robot]");
        await user.WaitForURLAsync(new Regex("/robots/new$"));
        await BrowserFixture.WaitForInteractiveAsync(user);
        await MudInputs.ChooseAsync(user, "[data-test=r-modality]", OrthancPair.RemoteModalityName);
        await user.Locator("[data-test=r-import]").SetInputFilesAsync(new FilePayload
        {
            Name = "list.csv", MimeType = "text/csv", Buffer = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)],
        });
        await Assertions.Expect(user.Locator("[data-test=query-list] tbody tr")).ToHaveCountAsync(3);
        await Assertions.Expect(user.Locator("[data-test=import-encoding]")).ToContainTextAsync("UTF-8 (with BOM)");
        await user.ClickAsync("[data-test=r-run]");
        await Assertions.Expect(user.Locator("[data-test=r-results] tbody tr:has([data-answers='1'])")).ToHaveCountAsync(3);
        await Assertions.Expect(user.Locator("[data-test=r-results]")).ToContainTextAsync("Browser, P1");
        await PageChecks.AssertPageAsync(user, "new-robot");
        await user.FillAsync("[data-test=r-project]", "Browser project");
        await user.ClickAsync("[data-test=r-create]");
        await user.WaitForURLAsync(new Regex(@"/robots/\d+$"));
        await Assertions.Expect(user.Locator("[data-test=awaiting-approval]")).ToBeVisibleAsync();
        // Only administrators see the approval form.
        await Assertions.Expect(user.Locator("[data-test=approval]")).ToHaveCountAsync(0);
        var robotUrl = user.Url;

        var admin = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        await admin.GotoAsync(robotUrl);
        await BrowserFixture.WaitForInteractiveAsync(admin);
        await Assertions.Expect(admin.Locator("[data-test=robot-items] tbody tr:has([data-validation=Valid])")).ToHaveCountAsync(3);
        await Assertions.Expect(admin.Locator("[data-test=robot-items] [data-test=item-study]").First).ToContainTextAsync("02/03/2024");
        await PageChecks.AssertPageAsync(admin, "robot-approval");
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
        await PageChecks.AssertPageAsync(user, "robot");

        // The robots list and the robot in German at 800 px: German labels, dates dd.MM.yyyy, nothing overflows.
        var german = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password, locale: "de-DE", viewport: Viewports.Narrow);
        await german.GotoAsync("robots");
        await BrowserFixture.WaitForInteractiveAsync(german);
        await Assertions.Expect(german.Locator("[data-test=robots] [data-test=robot-status]").First).ToHaveTextAsync("Abgeschlossen");
        await Assertions.Expect(german.Locator("[data-test=new-robot]")).ToHaveTextAsync("Neuer Roboter");
        await PageChecks.AssertPageAsync(german, "robots-de");
        await german.GotoAsync(robotUrl);
        await BrowserFixture.WaitForInteractiveAsync(german);
        await Assertions.Expect(german.Locator("[data-test=robot-items] [data-test=item-study]").First).ToContainTextAsync("02.03.2024");
        await Assertions.Expect(german.Locator("[data-test=robot-items] [data-test=item-state]").First).ToHaveTextAsync("Abgerufen");
        await PageChecks.AssertPageAsync(german, "robot-de");

        // The items as CSV in the user's culture: ';' for German, with a BOM.
        var download = await german.RunAndWaitForDownloadAsync(() => german.ClickAsync("[data-test=robot-export]"));
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);
        bytes.Take(3).ShouldBe(Encoding.UTF8.GetPreamble());
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        text.ShouldStartWith("Row;Patient;");
        text.ShouldContain("Browser, P1");
    }

    [Fact]
    public async Task The_robots_page_passes_the_page_checks_at_both_sizes()
    {
        foreach (var size in new[] { Viewports.Desktop, Viewports.Narrow })
        {
            var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password, viewport: size);
            await page.GotoAsync("robots");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Assertions.Expect(page.Locator("[data-test=robots]")).ToBeVisibleAsync();
            await PageChecks.AssertPageAsync(page, "robots");
        }
    }
}
