using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace OrthancPortal.Tests.Harness;

/// <summary>
/// What every page must pass in a browser test: no sideways scrolling, no serious or critical axe violation, and a
/// screenshot under the test output (<c>bin/.../screenshots</c>, not committed) for a reviewer to look at.
/// </summary>
public static class PageChecks
{
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>The document is no wider than the viewport (a table that needs more scrolls inside its own box).</summary>
    public static async Task AssertNoHorizontalOverflowAsync(IPage page)
    {
        var sizes = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        if (sizes[0] > sizes[1])
        {
            var culprits = await page.EvaluateAsync<string[]>(@"() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''))");
            throw new Xunit.Sdk.XunitException($"{page.Url}: the page is {sizes[0]} px wide in a {sizes[1]} px viewport; widest: {string.Join(", ", culprits)}");
        }
    }

    /// <summary>axe-core's WCAG 2.1 A/AA rules: no violation of impact serious or critical.</summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        if (bad.Count > 0)
        {
            var text = string.Join("\n", bad.Select(v => $"{v.Impact} {v.Id}: {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target)))}"));
            throw new Xunit.Sdk.XunitException($"{page.Url}: accessibility violations:\n{text}");
        }
    }

    /// <summary>Saves a full-page screenshot as <c>screenshots/{name}-{width}.png</c> and returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var width = page.ViewportSize?.Width ?? 0;
        var path = Path.Combine(ScreenshotFolder, $"{name}-{width}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>
    /// The page draws with MudBlazor and the portal's own styles only: no stylesheet or script of the Bootstrap the first
    /// pages used (a page that still needed it would look broken without it).
    /// </summary>
    public static async Task AssertMudBlazorOnlyAsync(IPage page)
    {
        var assets = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('link[rel=stylesheet], script[src]')].map(e => e.href || e.src)");
        assets.Where(a => a.Contains("bootstrap", StringComparison.OrdinalIgnoreCase)).ShouldBeEmpty($"{page.Url} loads Bootstrap");
    }

    /// <summary>The checks at the page's current size, plus a screenshot.</summary>
    public static async Task AssertPageAsync(IPage page, string name, bool accessibility = true)
    {
        await ScreenshotAsync(page, name);
        await AssertMudBlazorOnlyAsync(page);
        await AssertNoHorizontalOverflowAsync(page);
        if (accessibility) await AssertAccessibleAsync(page);
    }
}
