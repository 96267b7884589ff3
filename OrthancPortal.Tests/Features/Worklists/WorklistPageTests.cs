using Microsoft.Playwright;
using OrthancPortal.Tests.Features.QueryRetrieve;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Worklists;

public sealed class WorklistPageTests(BrowserWorklistFixture fixture) : IClassFixture<BrowserWorklistFixture>
{
    [Fact]
    public async Task A_user_creates_an_entry_sees_it_listed_and_deletes_it()
    {
        // A German browser: the page reads German and dates read dd.MM.yyyy.
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password, locale: "de-DE");
        await page.GotoAsync("worklist");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Modalitäten-Arbeitsliste");

        // Invalid first: the form says why at the field, in German (the validator's message), and nothing is written.
        var filesBefore = fixture.WorklistFiles().Length;
        await page.ClickAsync("[data-test=wl-create]");
        await PageChecks.ScreenshotAsync(page, "worklist-invalid");
        await Assertions.Expect(page.Locator("[data-test=wl-error]")).ToContainTextAsync("Die Patienten-ID ist erforderlich.");
        await Assertions.Expect(page.Locator(".mud-input-helper-text", new() { HasText = "Die Patienten-ID ist erforderlich." })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".mud-input-control:has([data-test=wl-last-name]) .mud-input-helper-text")).ToHaveTextAsync("Der Nachname ist erforderlich.");
        fixture.WorklistFiles().Length.ShouldBe(filesBefore);

        await page.FillAsync("[data-test=wl-patient-id]", "UIPAT1");
        await page.FillAsync("[data-test=wl-last-name]", "Größe");
        await page.FillAsync("[data-test=wl-first-name]", "Anna");
        await page.FillAsync("[data-test=wl-birth-date]", "1975-03-04");
        await MudInputs.ChooseAsync(page, "[data-test=wl-sex]", "weiblich");
        await page.FillAsync("[data-test=wl-procedure]", "Schilddrüse");
        await page.FillAsync("[data-test=wl-physician]", "Arzt^Albert");
        await page.ClickAsync("[data-test=wl-create]");

        var row = Entry(page, "UIPAT1");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row).ToContainTextAsync("Größe, Anna");
        await Assertions.Expect(row).ToContainTextAsync("04.03.1975");
        await Assertions.Expect(row).ToContainTextAsync("Schilddrüse");
        // The scheduled time through PortalFormat: German date and time.
        await Assertions.Expect(row.Locator("[data-test=wl-entry]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$"));
        await Assertions.Expect(row).ToContainTextAsync("Arzt, Albert");
        await Assertions.Expect(row.Locator("[data-test=wl-entry]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$"));
        var accession = (await row.Locator("[data-test=wl-entry]").GetAttributeAsync("data-accession"))!;
        accession.ShouldMatch(@"^R\d{10}$");
        File.Exists(Path.Combine(fixture.Local.WorklistFolder, accession + ".wl")).ShouldBeTrue();
        // The success snackbar itself passes axe's contrast rule once it is fully shown (PortalTheme's success colours).
        var snackbar = page.Locator(".mud-snackbar").First;
        await Assertions.Expect(snackbar).ToBeVisibleAsync();
        // Once its show transition has finished: axe would otherwise measure a half-transparent snackbar.
        await page.WaitForFunctionAsync("() => document.getAnimations().every(a => a.playState !== 'running')");
        await PageChecks.ScreenshotAsync(page, "worklist-snackbar-de");
        await PageChecks.AssertAccessibleAsync(page);
        // The page, not the fading "added" snackbar, is what the checks look at.
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await PageChecks.AssertPageAsync(page, "worklist-de");

        await row.Locator("[data-test=wl-delete]").ClickAsync();
        await MudInputs.AnswerDialogAsync(page, "Löschen");
        await Assertions.Expect(Entry(page, "UIPAT1")).ToHaveCountAsync(0);
        File.Exists(Path.Combine(fixture.Local.WorklistFolder, accession + ".wl")).ShouldBeFalse();
    }

    private static ILocator Entry(IPage page, string text) => page.Locator("[data-test=wl-entries] tbody tr:has([data-test=wl-entry])", new() { HasText = text });

    [Fact]
    public async Task The_worklist_page_passes_the_page_checks_at_both_sizes()
    {
        foreach (var size in new[] { Viewports.Desktop, Viewports.Narrow })
        {
            var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password, viewport: size);
            await page.GotoAsync("worklist");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Assertions.Expect(page.Locator("[data-test=wl-create]")).ToBeVisibleAsync();
            await PageChecks.AssertPageAsync(page, "worklist");
        }
    }

    [Fact]
    public async Task An_entry_added_by_the_AIS_appears_live_and_todays_studies_have_viewer_links()
    {
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        var study = TestDicom.Study(TestDicom.Patient("UIPAT2", "Link^Lisa"), "US", instances: 1, accession: "ACCLINK1");
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);
        await page.GotoAsync("worklist");
        await BrowserFixture.WaitForInteractiveAsync(page);

        var studyRow = page.Locator("[data-test=wl-studies] tbody tr:has([data-test=wl-study])", new() { HasText = "ACCLINK1" });
        await Assertions.Expect(studyRow).ToBeVisibleAsync();
        (await studyRow.Locator("[data-test=weasis-link]").GetAttributeAsync("href")).ShouldStartWith("weasis://");
        (await studyRow.Locator("[data-test=weasis-link]").GetAttributeAsync("href"))!.ShouldContain(Uri.EscapeDataString(study.StudyUid));
        (await studyRow.Locator("[data-test=viewer-link]").GetAttributeAsync("href")).ShouldNotBeNullOrEmpty();

        using var ais = fixture.Portal.NewClient();
        async Task AddAsync(string id) => (await ais.GetAsync($"worklist/add?key={Uri.EscapeDataString(fixture.ApiKey)}&id={id}&lastname=Live&firstname=Lars&birthdate=02.03.1990&sex=1")).EnsureSuccessStatusCode();
        await AddAsync("UIPAT3");
        await Assertions.Expect(Entry(page, "UIPAT3")).ToBeVisibleAsync();
        await Assertions.Expect(Entry(page, "UIPAT3")).ToContainTextAsync("02/03/1990");

        // A keyboard user on a row's button keeps the focus while the list refreshes live (the row is kept, not redrawn).
        var delete = Entry(page, "UIPAT3").Locator("[data-test=wl-delete]");
        await delete.FocusAsync();
        var focused = await delete.GetAttributeAsync("data-accession");
        await AddAsync("UIPAT4");
        await Assertions.Expect(Entry(page, "UIPAT4")).ToBeVisibleAsync();
        (await page.EvaluateAsync<string?>("() => document.activeElement?.closest('[data-test=wl-delete]')?.dataset.accession ?? null")).ShouldBe(focused);
    }

    [Fact]
    public async Task A_viewer_without_the_Worklists_permission_is_refused()
    {
        // Refused on the server with 403 and the no-permission page instead of the page.
        using var viewer = await fixture.SignInAsync(PortalFixture.ViewerUser);
        foreach (var path in new[] { "worklist", "gdt" })
        {
            var response = await viewer.GetAsync(path);
            response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Forbidden, path);
            var body = await response.Content.ReadAsStringAsync();
            body.ShouldNotContain("data-test=\"wl-create\"");
            body.ShouldContain("data-test=\"access-denied\"");
        }
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);
        (await user.GetAsync("admin/gdt")).StatusCode.ShouldBe(System.Net.HttpStatusCode.Forbidden);
        (await user.GetAsync("gdt")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        (await user.GetStringAsync("worklist")).ShouldContain("data-test=\"wl-create\"");
    }

    [Fact]
    public async Task The_outbox_lists_written_files_and_writes_one_again()
    {
        var study = TestDicom.Study(TestDicom.Patient("UIGDT1", "Box^Bea"), "US", instances: 1, accession: "ACCBOX1");
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        await page.GotoAsync("gdt");
        await BrowserFixture.WaitForInteractiveAsync(page);

        // Appears live when the study becomes stable.
        var row = page.Locator("[data-test=gdt-files] tbody tr", new() { Has = page.Locator("[data-file='ACCBOX1.gdt']") });
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(row).ToContainTextAsync("UIGDT1");
        var path = Path.Combine(fixture.GdtFolder, "ACCBOX1.gdt");
        File.Delete(path);

        await row.Locator("[data-test=gdt-write-again]").ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("(2×)");
        File.Exists(path).ShouldBeTrue();
    }

    [Fact]
    public async Task An_admin_creates_an_API_key_that_is_shown_once_and_revokes_it()
    {
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        await page.GotoAsync("admin/gdt");
        await BrowserFixture.WaitForInteractiveAsync(page);

        // A client name is required: the reason is at the field.
        await page.ClickAsync("[data-test=key-create]");
        await Assertions.Expect(page.Locator(".mud-input-helper-text.mud-input-error", new() { HasTextString = "Name the client" })).ToBeVisibleAsync();
        await page.FillAsync("#key-client", "Empfang");
        await page.ClickAsync("[data-test=key-create]");
        var key = await page.Locator("[data-test=key-value]").InnerTextAsync();
        key.ShouldStartWith("wl_");
        using var ais = fixture.Portal.NewClient();
        var add = $"worklist/add?key={Uri.EscapeDataString(key)}&id=UIKEY1&lastname=Key&birthdate=01.01.1990&sex=0";
        (await ais.GetAsync(add)).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);

        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        (await page.ContentAsync()).ShouldNotContain(key);
        var keyRow = page.Locator("[data-test=keys] tr", new() { HasText = "Empfang" });
        await keyRow.Locator("[data-test=key-revoke]").ClickAsync();
        await MudInputs.AnswerDialogAsync(page, "Revoke");
        await Assertions.Expect(keyRow).ToContainTextAsync("revoked");
        (await ais.GetAsync(add.Replace("UIKEY1", "UIKEY2"))).StatusCode.ShouldBe(System.Net.HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_GDT_settings_page_says_what_is_wrong_at_the_field_fits_a_narrow_window_and_reads_German()
    {
        foreach (var viewport in new[] { Viewports.Desktop, Viewports.Narrow })
        {
            var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password, viewport: viewport);
            await page.GotoAsync("admin/gdt");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#gdt-recv")).Not.ToHaveValueAsync("");
            await PageChecks.AssertPageAsync(page, "gdt-settings");
        }

        var german = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password, locale: "de-DE");
        await german.GotoAsync("admin/gdt");
        await BrowserFixture.WaitForInteractiveAsync(german);
        await Assertions.Expect(german.Locator("h1")).ToHaveTextAsync("GDT und Arbeitslisten");
        var receiver = await german.Locator("#gdt-recv").InputValueAsync();
        await german.FillAsync("#gdt-recv", "AB CD");
        await german.ClickAsync("[data-test=save]");
        await Assertions.Expect(german.Locator(".mud-input-helper-text.mud-input-error", new() { HasTextString = "Empfänger-ID: 1 bis 8 Buchstaben" })).ToBeVisibleAsync();
        // FluentValidation's own message names the field in German too, and the validator's texts are translated once.
        await german.FillAsync("#gdt-testid", "");
        await german.ClickAsync("[data-test=save]");
        await Assertions.Expect(german.Locator(".mud-input-helper-text.mud-input-error", new() { HasTextString = "'Test-ID' darf nicht leer sein" })).ToBeVisibleAsync();
        // A bad AE title in a source picker: its German reason beside the button, and the picker's German summary.
        await german.FillAsync("[data-test=sources-gdt-new-aets]", "CT01 MUCH_TOO_LONG_AE_TITLE");
        await german.ClickAsync("[data-test=save]");
        await Assertions.Expect(german.Locator("[data-test=settings-error]")).ToContainTextAsync("Quellen für neue Studien: 'MUCH_TOO_LONG_AE_TITLE' ist kein AE-Titel");
        await Assertions.Expect(german.Locator("[data-test=sources-gdt-new]")).ToContainTextAsync("sofern nicht angekreuzt. Derzeit: per DICOM gesendet von CT01, MUCH_TOO_LONG_AE_TITLE.");
        await PageChecks.AssertPageAsync(german, "gdt-settings-de");
        // Nothing was saved: the stored receiver id is unchanged.
        await german.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(german);
        await Assertions.Expect(german.Locator("#gdt-recv")).ToHaveValueAsync(receiver);
    }
}
