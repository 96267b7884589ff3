using Microsoft.Playwright;

namespace OrthancPortal.Tests.Harness;

/// <summary>Debian's Chromium driven by Playwright (.NET); Playwright cannot download its own browsers here.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? playwright;
    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        playwright = await Playwright.CreateAsync();
        // Two browser classes, their portals and Orthancs share two cores in CI: give expectations room.
        Assertions.SetDefaultExpectTimeout(15_000);
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>
    /// A fresh browser context (own cookies) with a page at the portal's base URL. <paramref name="locale"/> is the
    /// browser's language (Accept-Language and navigator.language); <paramref name="viewport"/> defaults to 1366×768,
    /// the clinic desktop the pages are designed for (<see cref="Viewports"/>).
    /// </summary>
    public Task<IPage> NewPageAsync(PortalHost portal, string locale = "en-GB", ViewportSize? viewport = null) => NewPageAsync(portal.Url, locale, viewport);

    /// <summary>The same for a portal at any address (a portal process, or a reverse proxy in front of several).</summary>
    public async Task<IPage> NewPageAsync(Uri url, string locale = "en-GB", ViewportSize? viewport = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = url.ToString(),
            AcceptDownloads = true,
            Locale = locale,
            ViewportSize = viewport ?? Viewports.Desktop,
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the real form and waits for the interactive dashboard.</summary>
    public Task<IPage> SignedInPageAsync(PortalHost portal, string userName, string password, string locale = "en-GB", ViewportSize? viewport = null)
        => SignedInPageAsync(portal.Url, userName, password, locale, viewport);

    public async Task<IPage> SignedInPageAsync(Uri url, string userName, string password, string locale = "en-GB", ViewportSize? viewport = null)
    {
        var page = await NewPageAsync(url, locale, viewport);
        await page.GotoAsync("account/login");
        await page.FillAsync("#username", userName);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        // Only the redirect away from the form, not the next page's "load" event: twice in a full run the dashboard's load
        // event never came although the page was there and the network idle; the circuit check below is what counts.
        await page.WaitForURLAsync(url => !url.Contains("/account/login"), new() { WaitUntil = WaitUntilState.Commit });
        await WaitForInteractiveAsync(page);
        return page;
    }

    /// <summary>Blazor Server pages are interactive once the circuit is up; clicks before that are lost.</summary>
    public static async Task WaitForInteractiveAsync(IPage page)
        => await page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('[data-test=nav]') !== null && window.portalCircuitUp === true");

    /// <summary>Clicks a menu entry the way a user does: opens the Administration group first when the entry is in it.</summary>
    public static async Task OpenFromMenuAsync(IPage page, string href)
    {
        var link = page.Locator($"[data-test=nav] a[href='{href}']");
        if (!await link.IsVisibleAsync())
        {
            await page.Locator("[data-test=nav-admin] > button, [data-test=nav-admin] .mud-nav-link").First.ClickAsync();
        }
        await link.ClickAsync();
    }

    /// <summary>Signs out through the user menu in the app bar.</summary>
    public static async Task SignOutAsync(IPage page)
    {
        await page.ClickAsync("[data-test=current-user] button");
        await page.ClickAsync("[data-test=logout]");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
    }
}

/// <summary>The two sizes every page is checked at: a clinic desktop and a narrow window (a tablet, half a screen).</summary>
public static class Viewports
{
    public static ViewportSize Desktop => new() { Width = 1366, Height = 768 };
    public static ViewportSize Narrow => new() { Width = 800, Height = 900 };
}
