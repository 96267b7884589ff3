using Microsoft.Playwright;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Access;

public sealed class AccessBrowserTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task Admin_creates_a_viewer_who_must_change_the_password_and_sees_only_what_the_role_allows()
    {
        var admin = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        await BrowserFixture.OpenFromMenuAsync(admin, "admin/users");
        await admin.FillAsync("#new-user", "carol");
        await admin.FillAsync("#new-display", "Carol Viewer");
        await admin.Locator("[data-test=new-role-Viewer] input, input[data-test=new-role-Viewer]").CheckAsync();
        await admin.ClickAsync("[data-test=create-user]");
        var oneTime = await admin.Locator("[data-test=one-time-password]").InnerTextAsync();
        oneTime.Length.ShouldBeGreaterThanOrEqualTo(16);
        await Assertions.Expect(admin.Locator("tr:has([data-user=carol])")).ToContainTextAsync("must change password");

        var carol = await fixture.Browser.NewPageAsync(fixture.Portal);
        await carol.GotoAsync("account/login");
        await carol.FillAsync("#username", "carol");
        await carol.FillAsync("#password", oneTime);
        await carol.ClickAsync("button[type=submit]");
        await carol.WaitForURLAsync(u => u.Contains("/account/change-password"));
        await carol.FillAsync("#current", oneTime);
        await carol.FillAsync("#next", "Her-Own-Pass-777");
        await carol.FillAsync("#confirm", "Her-Own-Pass-777");
        await carol.ClickAsync("button[type=submit]");
        await carol.WaitForURLAsync(u => u.Contains("/account/login"));
        await carol.FillAsync("#username", "carol");
        await carol.FillAsync("#password", "Her-Own-Pass-777");
        await carol.ClickAsync("button[type=submit]");
        await carol.WaitForURLAsync(u => !u.Contains("/account/"));
        await BrowserFixture.WaitForInteractiveAsync(carol);
        await Assertions.Expect(carol.Locator("[data-test=nav] a[href='admin/users']")).ToHaveCountAsync(0);

        // Typing the address of an admin page shows the no-permission page, not the page.
        var response = await carol.GotoAsync("admin/roles");
        response!.Status.ShouldBe(403);
        await Assertions.Expect(carol.Locator("[data-test=access-denied]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Admin_grants_a_permission_in_the_matrix_and_the_Admin_column_cannot_be_changed()
    {
        var admin = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        await admin.GotoAsync("admin/roles");
        await BrowserFixture.WaitForInteractiveAsync(admin);
        var viewerImport = admin.Locator("input[data-role=Viewer][data-permission=Import], [data-role=Viewer][data-permission=Import] input");
        await Assertions.Expect(viewerImport).Not.ToBeCheckedAsync();
        await viewerImport.CheckAsync();
        await admin.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(admin);
        await Assertions.Expect(admin.Locator("input[data-role=Viewer][data-permission=Import], [data-role=Viewer][data-permission=Import] input")).ToBeCheckedAsync();
        await Assertions.Expect(admin.Locator("input[data-role=Admin][data-permission=Delete], [data-role=Admin][data-permission=Delete] input")).ToBeDisabledAsync();
        await admin.Locator("input[data-role=Viewer][data-permission=Import], [data-role=Viewer][data-permission=Import] input").UncheckAsync();
    }
}
