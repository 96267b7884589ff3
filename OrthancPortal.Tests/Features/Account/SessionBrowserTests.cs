using Microsoft.Playwright;
using OrthancPortal.Features.Access;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Account;

/// <summary>An open tab (a Blazor circuit, no cookie requests) learns that its session ended within the revalidation interval.</summary>
public sealed class SessionBrowserTests(SessionPortalFixture fixture) : IClassFixture<SessionPortalFixture>
{
    private static readonly PageWaitForURLOptions Soon = new() { Timeout = (SessionPortalFixture.RevalidationSeconds * 5 + 15) * 1000 };

    [Fact]
    public async Task A_user_disabled_by_an_admin_loses_the_open_page_within_the_revalidation_interval()
    {
        var admin = await fixture.NewUserAsync("disabler", Roles.Admin);
        var user = await fixture.NewUserAsync("victim", Roles.User);
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, user, SessionPortalFixture.Password);
        await Assertions.Expect(page.Locator("[data-test=current-user]")).ToContainTextAsync(user);

        var userId = await fixture.UserIdAsync(user);
        (await fixture.AsAdminAsync(admin, (a, _) => a.SetDisabledAsync(userId, true))).Succeeded.ShouldBeTrue();

        // No click, no reload: the circuit itself signs out and the page goes to the sign-in form.
        await page.WaitForURLAsync(u => u.Contains("/account/login"), Soon);
        await Assertions.Expect(page.Locator("#username")).ToBeVisibleAsync();
        await page.GotoAsync("");
        page.Url.ShouldContain("/account/login");
    }

    [Fact]
    public async Task Signing_out_in_one_tab_ends_the_other_open_tab_of_the_same_session()
    {
        var user = await fixture.NewUserAsync("twotabs", Roles.Viewer);
        var first = await fixture.Browser.SignedInPageAsync(fixture.Portal, user, SessionPortalFixture.Password);
        var second = await first.Context.NewPageAsync();
        await second.GotoAsync("");
        await BrowserFixture.WaitForInteractiveAsync(second);

        await first.ClickAsync("[data-test=logout]");
        await first.WaitForURLAsync(u => u.Contains("/account/login"));
        await second.WaitForURLAsync(u => u.Contains("/account/login"), Soon);
    }
}
