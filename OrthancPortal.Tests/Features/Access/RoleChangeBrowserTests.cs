using Microsoft.Playwright;
using OrthancPortal.Features.Access;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Access;

/// <summary>A role taken away reaches an open tab within the revalidation interval, without a reload.</summary>
public sealed class RoleChangeBrowserTests(SessionPortalFixture fixture) : IClassFixture<SessionPortalFixture>
{
    [Fact]
    public async Task A_removed_role_takes_the_page_and_its_menu_entry_away_in_an_open_circuit()
    {
        var admin = await fixture.NewUserAsync("roleboss", Roles.Admin);
        var user = await fixture.NewUserAsync("roleloser", Roles.Admin);
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, user, SessionPortalFixture.Password);
        await BrowserFixture.OpenFromMenuAsync(page, "admin/users");
        await Assertions.Expect(page.Locator($"tr:has([data-user={user}])")).ToBeVisibleAsync();

        var userId = await fixture.UserIdAsync(user);
        (await fixture.AsAdminAsync(admin, (a, _) => a.SetRolesAsync(userId, [Roles.Viewer]))).Succeeded.ShouldBeTrue();

        var soon = new LocatorAssertionsToBeVisibleOptions { Timeout = (SessionPortalFixture.RevalidationSeconds * 5 + 15) * 1000 };
        await Assertions.Expect(page.Locator("[data-test=access-denied]")).ToBeVisibleAsync(soon);
        await Assertions.Expect(page.Locator("[data-test=nav] a[href='admin/users']")).ToHaveCountAsync(0);
        // Still signed in: the session goes on with the new role.
        page.Url.ShouldNotContain("/account/login");
        await Assertions.Expect(page.Locator("[data-test=current-user]")).ToContainTextAsync(user);

        var audit = fixture.Audit(user);
        audit.ShouldContain(e => e.Action == "user.roles" && e.UserName == admin);
    }
}
