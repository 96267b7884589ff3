using Microsoft.Playwright;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Orthanc;

public sealed class OrthancConnectionTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task Test_connection_names_the_reason_refused_wrong_credentials_or_not_Orthanc()
    {
        var tester = fixture.Portal.GetRequiredService<OrthancConnectionTester>();

        var ok = await tester.TestAsync(fixture.Local.Url.ToString(), OrthancProcess.Username, OrthancProcess.Password);
        ok.Reachable.ShouldBeTrue();
        ok.System!.Version.ShouldBe(fixture.Local.Version);
        fixture.Local.Version.ShouldStartWith("1.12.");
        var older = await tester.TestAsync(fixture.Remote.Url.ToString(), OrthancProcess.Username, OrthancProcess.Password);
        older.System!.Version.ShouldBe(fixture.Remote.Version);

        var wrongPassword = await tester.TestAsync(fixture.Local.Url.ToString(), OrthancProcess.Username, "nope");
        wrongPassword.Failure.ShouldBe(OrthancFailure.Unauthorized);
        wrongPassword.Error.ShouldNotBeNull().ShouldContain("credentials");

        var closed = await tester.TestAsync($"http://127.0.0.1:{TestEnvironment.FreePort()}/", null, null);
        closed.Failure.ShouldBe(OrthancFailure.Refused);
        closed.Error.ShouldNotBeNull().ShouldContain("refused");

        // The portal itself answers HTTP, but it is not Orthanc's REST API.
        var notOrthanc = await tester.TestAsync(fixture.Portal.Url.ToString(), null, null);
        notOrthanc.Reachable.ShouldBeFalse();
    }

    [Fact]
    public async Task An_admin_tests_an_external_connection_from_the_settings_page()
    {
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        await page.GotoAsync("admin/orthanc");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("input[data-test=mode-external], [data-test=mode-external] input")).ToBeCheckedAsync();
        await page.FillAsync("#url", fixture.Local.Url.ToString());
        await page.FillAsync("#user", OrthancProcess.Username);
        await page.FillAsync("#password", "wrong-password");
        await page.ClickAsync("[data-test=test-connection]");
        await Assertions.Expect(page.Locator("[data-test=test-result]")).ToContainTextAsync("rejected the portal's credentials");

        await page.FillAsync("#password", OrthancProcess.Password);
        await page.ClickAsync("[data-test=test-connection]");
        await Assertions.Expect(page.Locator("[data-test=test-result]")).ToContainTextAsync($"Connected to Orthanc {fixture.Local.Version}");
    }
}

public sealed class OrthancSettingsPageSecretTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task The_stored_Orthanc_password_is_never_sent_to_the_browser()
    {
        using var admin = await fixture.SignInAsync(PortalFixture.AdminUser);
        var html = await admin.GetStringAsync("admin/orthanc");
        html.ShouldContain("stored (type to replace)");
        html.ShouldNotContain(OrthancProcess.Password);
    }
}
