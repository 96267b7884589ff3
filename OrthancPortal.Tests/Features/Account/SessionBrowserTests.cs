using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Account;
using OrthancPortal.Infrastructure.Database;
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

        await BrowserFixture.SignOutAsync(first);
        await first.WaitForURLAsync(u => u.Contains("/account/login"));
        await second.WaitForURLAsync(u => u.Contains("/account/login"), Soon);
    }

    [Fact]
    public async Task An_open_page_without_activity_is_signed_out_when_the_session_goes_idle()
    {
        var user = await fixture.NewUserAsync("sleeper", Roles.Viewer);
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, user, SessionPortalFixture.Password);
        // As if the idle timeout were two seconds away.
        await SetIdleDeadlineAsync(await fixture.UserIdAsync(user), DateTime.UtcNow.AddSeconds(2));
        await page.WaitForURLAsync(u => u.Contains("/account/login"), Soon);
    }

    [Fact]
    public async Task Work_inside_an_open_page_keeps_the_session_from_going_idle()
    {
        var user = await fixture.NewUserAsync("worker", Roles.Viewer);
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, user, SessionPortalFixture.Password);
        var userId = await fixture.UserIdAsync(user);
        var deadline = DateTime.UtcNow.AddSeconds(SessionPortalFixture.RevalidationSeconds * 3);
        await SetIdleDeadlineAsync(userId, deadline);

        // Navigation inside the circuit sends no cookie request; only the circuit sees the work.
        var links = page.Locator("[data-test=nav] a");
        (await links.CountAsync()).ShouldBeGreaterThanOrEqualTo(2);
        for (var i = 0; DateTime.UtcNow < deadline.AddSeconds(SessionPortalFixture.RevalidationSeconds * 2); i++)
        {
            await links.Nth(i % 2).ClickAsync();
            await Task.Delay(500);
        }
        page.Url.ShouldNotContain("/account/login");
        fixture.Sessions(userId).ShouldHaveSingleItem().ExpiresAt.ShouldBeGreaterThan(DateTime.UtcNow.AddMinutes(30));
    }

    private async Task SetIdleDeadlineAsync(string userId, DateTime at)
    {
        using var scope = fixture.Portal.Services.CreateScope();
        var rows = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<PortalSession>().Where(s => s.UserId == userId)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.ExpiresAt, at).SetProperty(s => s.LastSeenAt, at.AddMinutes(-60)));
        rows.ShouldBe(1);
    }
}
