using Microsoft.Playwright;
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

        await page.FillAsync("[data-test=d-name]", "bad url");
        await page.SelectOptionAsync("[data-test=d-kind]", "Ftp");
        await page.FillAsync("[data-test=d-url]", "http://wrong");
        await page.ClickAsync("[data-test=d-save]");
        await Assertions.Expect(page.Locator("[data-test=d-errors]")).ToContainTextAsync("ftp://host/folder");

        await page.FillAsync("[data-test=d-name]", "nowhere");
        await page.FillAsync("[data-test=d-url]", $"ftp://127.0.0.1:{TestEnvironment.FreePort()}/in");
        await page.ClickAsync("[data-test=d-save]");
        await Assertions.Expect(page.Locator("tr[data-destination=nowhere]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-test=d-name]")).ToHaveValueAsync("");
        await page.FillAsync("[data-test=d-name]", "clinic-ftp");
        await page.SelectOptionAsync("[data-test=d-kind]", "Ftp");
        await page.FillAsync("[data-test=d-url]", ftp.Url + "portal");
        await page.FillAsync("[data-test=d-user]", "anonymous");
        await page.FillAsync("[data-test=d-pass]", "portal@example.org");
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

        await page.FillAsync("[data-test=d-name]", "clinic-sftp");
        await page.SelectOptionAsync("[data-test=d-kind]", "Sftp");
        await page.FillAsync("[data-test=d-url]", sftp.Url + "portal");
        await page.FillAsync("[data-test=d-user]", sftp.User);
        await page.FillAsync("#d-key", sftp.PrivateKey);
        await page.ClickAsync("[data-test=d-save]");
        await Assertions.Expect(page.Locator("[data-test=d-errors]")).ToContainTextAsync("host key");

        // First use: the page shows the key the server presents; only a confirmed key is pinned.
        await page.ClickAsync("[data-test=d-fetch-hostkey]");
        await Assertions.Expect(page.Locator("[data-test=d-fetched-fingerprint]")).ToHaveTextAsync($"SHA256:{sftp.HostKeySha256}");
        await Assertions.Expect(page.Locator("[data-test=d-hostkey]")).ToHaveValueAsync("");
        await page.ClickAsync("[data-test=d-confirm-hostkey]");
        await Assertions.Expect(page.Locator("[data-test=d-hostkey]")).ToHaveValueAsync(sftp.HostKeySha256);
        await page.ClickAsync("[data-test=d-save]");

        await page.ClickAsync("tr[data-destination=clinic-sftp] [data-test=destination-test]");
        await Assertions.Expect(page.Locator("[data-test=destination-test-result]", new() { HasTextString = "all work" })).ToBeVisibleAsync();
        Directory.GetFiles(Path.Combine(sftp.UploadFolder, "portal")).ShouldBeEmpty("the probe file is deleted again");
    }
}
