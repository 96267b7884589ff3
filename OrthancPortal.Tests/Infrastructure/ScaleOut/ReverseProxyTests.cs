using Microsoft.Playwright;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Infrastructure.ScaleOut;

/// <summary>
/// Debian's nginx with ip_hash in front of two portal processes on one database: the browser keeps one working circuit
/// on one portal; when that portal is killed, the page reconnects through nginx to the other and goes on, signing in
/// again at most once (sessions are in the database and the Data Protection keys are shared, so usually not at all).
/// </summary>
public sealed class ReverseProxyTests : IAsyncLifetime
{
    private readonly BrowserFixture browser = new();
    private ScaleOutCluster cluster = default!;

    public async Task InitializeAsync()
    {
        await browser.InitializeAsync();
        cluster = await ScaleOutCluster.StartAsync("PROXYPACS");
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        await cluster.DisposeAsync();
    }

    [Fact]
    public async Task A_browser_behind_nginx_keeps_its_circuit_and_moves_to_the_other_portal_when_its_own_is_killed()
    {
        await cluster.SeedAsync();
        var portals = await Task.WhenAll(cluster.StartProcessAsync(), cluster.StartProcessAsync());
        await using var nginx = await NginxProxy.StartAsync(portals.Select(p => p.Port));

        var page = await browser.SignedInPageAsync(nginx.Url, ScaleOutCluster.Admin, ScaleOutCluster.Password);
        var signIns = 0;
        page.Request += (_, r) => { if (r.Method == "POST" && r.Url.Contains("/account/login", StringComparison.Ordinal)) signIns++; };
        var serving = await ServingPortalAsync(page, portals);
        var other = portals.Single(p => p != serving);

        // One circuit that works: navigating inside it needs no new page load.
        await BrowserFixture.OpenFromMenuAsync(page, "tasks");
        await page.WaitForURLAsync(url => url.EndsWith("/tasks", StringComparison.Ordinal));
        (await ServingPortalAsync(page, portals)).ShouldBe(serving, "ip_hash keeps the browser on one portal");

        await page.EvaluateAsync("() => { window.portalCircuitUp = false; }");
        await serving.KillAsync();

        // Blazor tries to reconnect; nginx sends it to the other portal, which does not know the circuit, so the page
        // reloads there. With the shared session it is signed in still; if not, it signs in once.
        await page.WaitForFunctionAsync("() => window.portalCircuitUp === true || location.pathname.includes('/account/login')", null,
            new() { Timeout = 120_000 });
        if (page.Url.Contains("/account/login", StringComparison.Ordinal))
        {
            await page.FillAsync("#username", ScaleOutCluster.Admin);
            await page.FillAsync("#password", ScaleOutCluster.Password);
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync(url => !url.Contains("/account/login"));
        }
        await BrowserFixture.WaitForInteractiveAsync(page);
        signIns.ShouldBeLessThanOrEqualTo(1, "at most one new sign-in after the portal died");
        Console.WriteLine($"[scaleout] sign-ins needed after the kill: {signIns}");
        (await ServingPortalAsync(page, portals)).ShouldBe(other);

        // And the new circuit works.
        await BrowserFixture.OpenFromMenuAsync(page, "content/studies");
        await page.WaitForURLAsync(url => url.Contains("/content/studies", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("[data-test=nav]")).ToBeVisibleAsync();
    }

    /// <summary>Which portal nginx sends this browser's requests to (its cookies, its address), from the header nginx adds.</summary>
    private static async Task<PortalProcess> ServingPortalAsync(IPage page, PortalProcess[] portals)
    {
        var response = await page.Context.APIRequest.GetAsync("healthz");
        var upstream = response.Headers.GetValueOrDefault(NginxProxy.UpstreamHeader.ToLowerInvariant()) ?? "";
        // After a failed try nginx lists every upstream it tried: the last one answered.
        var last = upstream.Split(',', StringSplitOptions.TrimEntries).Last();
        return portals.Single(p => last == $"127.0.0.1:{p.Port}");
    }
}
