using Microsoft.Playwright;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Components.Layout;

/// <summary>The shell every page sits in: drawer, app bar, language and theme, at the desktop and the narrow size.</summary>
public sealed class LayoutBrowserTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task On_a_desktop_the_drawer_is_open_and_administration_is_one_group_apart_from_daily_work()
    {
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        var nav = page.Locator("[data-test=nav]");
        await Assertions.Expect(nav.Locator("a[href='content/studies']")).ToBeVisibleAsync();
        // Administration pages are behind their group until it is opened.
        await Assertions.Expect(nav.Locator("a[href='admin/users']")).Not.ToBeVisibleAsync();
        await BrowserFixture.OpenFromMenuAsync(page, "admin/users");
        await page.WaitForURLAsync(u => u.EndsWith("/admin/users", StringComparison.Ordinal));
        await Assertions.Expect(nav.Locator("a[href='admin/audit']")).ToBeVisibleAsync();
        await page.GotoAsync("");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await PageChecks.AssertPageAsync(page, "dashboard");
    }

    [Fact]
    public async Task At_800_px_the_drawer_is_closed_until_the_menu_button_opens_it()
    {
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password, viewport: Viewports.Narrow);
        var studies = page.Locator("[data-test=nav] a[href='content/studies']");
        await Assertions.Expect(studies).Not.ToBeInViewportAsync();
        await PageChecks.AssertPageAsync(page, "dashboard");
        await page.ClickAsync("[data-test=menu-toggle]");
        await Assertions.Expect(studies).ToBeInViewportAsync();
        await studies.ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("/content/studies", StringComparison.Ordinal));
        // A temporary drawer closes again once the user has chosen.
        await Assertions.Expect(studies).Not.ToBeInViewportAsync();
    }

    [Fact]
    public async Task A_German_browser_gets_German_menus_and_the_user_can_switch_to_English_and_back()
    {
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password, locale: "de-DE");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await Assertions.Expect(page.Locator("[data-test=nav] a[href='content/studies']")).ToHaveTextAsync("Studien");
        await page.ClickAsync("[data-test=language-en]");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=nav] a[href='content/studies']")).ToHaveTextAsync("Studies");
        await page.ClickAsync("[data-test=language-de]");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=nav] a[href='content/studies']")).ToHaveTextAsync("Studien");
    }

    [Fact]
    public async Task The_sign_in_page_follows_the_browser_language_and_keeps_the_choice_after_sign_in()
    {
        var page = await fixture.Browser.NewPageAsync(fixture.Portal, locale: "de-AT");
        await page.GotoAsync("account/login");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await page.ClickAsync("[data-test=language-en]");
        await page.WaitForURLAsync(u => u.Contains("/account/login", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await PageChecks.AssertPageAsync(page, "sign-in");
    }

    [Fact]
    public async Task The_theme_toggle_switches_to_dark_and_the_browser_keeps_it()
    {
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password);
        var background = () => page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        var light = await background();
        await page.ClickAsync("[data-test=theme-toggle]");
        await Assertions.Expect(page.Locator("[data-test=theme-toggle]")).ToHaveAttributeAsync("aria-label", "Light theme");
        (await background()).ShouldNotBe(light);
        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=theme-toggle]")).ToHaveAttributeAsync("aria-label", "Light theme");
        await PageChecks.ScreenshotAsync(page, "dashboard-dark");
        // Dark colours are light: text on them must be dark to pass axe's contrast rule (PortalTheme's contrast texts).
        await PageChecks.AssertAccessibleAsync(page);
    }
}
