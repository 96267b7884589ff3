using Microsoft.Playwright;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Modalities;

public sealed class ModalitiesPageBrowserTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task An_admin_sees_the_portal_identity_adds_a_modality_and_echoes_it()
    {
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        await page.GotoAsync("admin/modalities");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=own-aet]")).ToHaveTextAsync(OrthancPair.LocalAet);
        await Assertions.Expect(page.Locator("[data-test=own-port]")).ToHaveTextAsync(fixture.Local.DicomPort.ToString());

        await page.FillAsync("#m-name", "remote2");
        await page.FillAsync("#m-aet", OrthancPair.RemoteAet);
        await page.FillAsync("#m-host", "127.0.0.1");
        await page.FillAsync("#m-port", fixture.Remote.DicomPort.ToString());
        await page.ClickAsync("[data-test=save-modality]");
        var row = page.Locator("[data-test=modalities] tr[data-modality=remote2]");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await row.Locator("[data-test=echo]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=echo-result]")).ToHaveAttributeAsync("data-outcome", "Ok");

        // Bad input is explained on the page, not as an error page.
        await page.FillAsync("#m-name", "bad name");
        await page.ClickAsync("[data-test=save-modality]");
        await Assertions.Expect(page.Locator("[data-test=modality-error]")).ToBeVisibleAsync();
    }
}
