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

    /// <summary>A fresh browser context (own cookies) with a page at the portal's base URL.</summary>
    public async Task<IPage> NewPageAsync(PortalHost portal)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = portal.Url.ToString(), AcceptDownloads = true });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the real form and waits for the interactive dashboard.</summary>
    public async Task<IPage> SignedInPageAsync(PortalHost portal, string userName, string password)
    {
        var page = await NewPageAsync(portal);
        await page.GotoAsync("account/login");
        await page.FillAsync("#username", userName);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/account/login"));
        await WaitForInteractiveAsync(page);
        return page;
    }

    /// <summary>Blazor Server pages are interactive once the circuit is up; clicks before that are lost.</summary>
    public static async Task WaitForInteractiveAsync(IPage page)
        => await page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('[data-test=nav]') !== null && window.portalCircuitUp === true");

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
    }
}
