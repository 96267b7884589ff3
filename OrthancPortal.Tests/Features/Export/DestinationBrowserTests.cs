using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrthancPortal.Features.Export;
using OrthancPortal.Tests.Features.QueryRetrieve;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Export;

public sealed class DestinationBrowserTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task An_admin_adds_destinations_and_the_test_button_says_what_works_and_what_failed()
    {
        await using var ftp = await FtpTestServer.StartAsync();
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        await page.GotoAsync("admin/export-destinations");
        await BrowserFixture.WaitForInteractiveAsync(page);

        await page.FillAsync("#d-name", "bad url");
        await MudInputs.ChooseAsync(page, "[data-test=d-kind]", "FTP");
        await page.FillAsync("#d-url", "http://wrong");
        await page.ClickAsync("[data-test=d-save]");
        await Assertions.Expect(page.Locator("[data-test=destination-form] .mud-input-helper-text.mud-input-error", new() { HasTextString = "ftp://host/folder" })).ToBeVisibleAsync();

        await page.FillAsync("#d-name", "nowhere");
        await page.FillAsync("#d-url", $"ftp://127.0.0.1:{TestEnvironment.FreePort()}/in");
        await page.ClickAsync("[data-test=d-save]");
        await Assertions.Expect(page.Locator("tr[data-destination=nowhere]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#d-name")).ToHaveValueAsync("");
        await page.FillAsync("#d-name", "clinic-ftp");
        await MudInputs.ChooseAsync(page, "[data-test=d-kind]", "FTP");
        await page.FillAsync("#d-url", ftp.Url + "portal");
        await page.FillAsync("#d-user", "anonymous");
        await page.FillAsync("#d-pass", "portal@example.org");
        await page.ClickAsync("[data-test=d-save]");

        await Assertions.Expect(page.Locator("tr[data-destination]")).ToHaveCountAsync(2);
        await page.ClickAsync("tr[data-destination=nowhere] [data-test=destination-test]");
        await Assertions.Expect(page.Locator("[data-test=destination-test-result]", new() { HasTextString = "Could not connect" })).ToBeVisibleAsync();
        await page.ClickAsync("tr[data-destination=clinic-ftp] [data-test=destination-test]");
        await Assertions.Expect(page.Locator("[data-test=destination-test-result]", new() { HasTextString = "all work" })).ToBeVisibleAsync();
        Directory.Exists(Path.Combine(ftp.UploadFolder, "portal")).ShouldBeTrue("the test creates the folder as an upload would");
        Directory.GetFiles(Path.Combine(ftp.UploadFolder, "portal")).ShouldBeEmpty("the probe file is deleted again");
    }

    [Fact]
    public async Task An_SFTP_destination_is_saved_only_with_a_host_key_the_admin_fetched_and_confirmed()
    {
        await using var sftp = await SftpTestServer.StartAsync();
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        await page.GotoAsync("admin/export-destinations");
        await BrowserFixture.WaitForInteractiveAsync(page);

        await page.FillAsync("#d-name", "clinic-sftp");
        await MudInputs.ChooseAsync(page, "[data-test=d-kind]", "SFTP");
        await page.FillAsync("#d-url", sftp.Url + "portal");
        await page.FillAsync("#d-user", sftp.User);
        await page.FillAsync("#d-key", sftp.PrivateKey);
        await page.ClickAsync("[data-test=d-save]");
        await Assertions.Expect(page.Locator("[data-test=destination-form] .mud-input-helper-text.mud-input-error", new() { HasTextString = "host key" })).ToBeVisibleAsync();

        // First use: the page shows the key the server presents; only a confirmed key is pinned.
        await page.ClickAsync("[data-test=d-fetch-hostkey]");
        await Assertions.Expect(page.Locator("[data-test=d-fetched-fingerprint]")).ToHaveTextAsync($"SHA256:{sftp.HostKeySha256}");
        await Assertions.Expect(page.Locator("#d-hostkey")).ToHaveValueAsync("");
        await page.ClickAsync("[data-test=d-confirm-hostkey]");
        await Assertions.Expect(page.Locator("#d-hostkey")).ToHaveValueAsync(sftp.HostKeySha256);
        await page.ClickAsync("[data-test=d-save]");

        await page.ClickAsync("tr[data-destination=clinic-sftp] [data-test=destination-test]");
        await Assertions.Expect(page.Locator("[data-test=destination-test-result]", new() { HasTextString = "all work" })).ToBeVisibleAsync();
        Directory.GetFiles(Path.Combine(sftp.UploadFolder, "portal")).ShouldBeEmpty("the probe file is deleted again");
    }

    [Fact]
    public async Task The_destinations_page_fits_a_narrow_window_passes_axe_and_reads_German()
    {
        using (var scope = fixture.Portal.Services.CreateScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<DestinationStore>();
            if ((await store.AllAsync()).All(d => d.Name != "archive-share"))
            {
                await store.SaveAsync(null, new DestinationInput("archive-share", DestinationKind.WebDav, "https://archive.clinic.example/dav/incoming/a-rather-long-folder-name", "portal", "secret", null, null, false),
                    new OrthancPortal.Features.Audit.Actor(null, "test", "127.0.0.1"));
            }
        }
        foreach (var viewport in new[] { Viewports.Desktop, Viewports.Narrow })
        {
            var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password, viewport: viewport);
            await page.GotoAsync("admin/export-destinations");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Assertions.Expect(page.Locator("tr[data-destination=archive-share]")).ToBeVisibleAsync();
            await PageChecks.AssertPageAsync(page, "export-destinations");
        }

        var german = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password, locale: "de-DE", viewport: Viewports.Narrow);
        await german.GotoAsync("admin/export-destinations");
        await BrowserFixture.WaitForInteractiveAsync(german);
        await Assertions.Expect(german.Locator("h1")).ToHaveTextAsync("Exportziele");
        await german.ClickAsync("#d-name");
        await german.ClickAsync("[data-test=d-save]");
        await Assertions.Expect(german.Locator("[data-test=destination-form] .mud-input-helper-text.mud-input-error", new() { HasTextString = "Geben Sie dem Ziel einen Namen." })).ToBeVisibleAsync();
        await PageChecks.AssertPageAsync(german, "export-destinations-de");
    }
}
