using System.Collections.Concurrent;
using Microsoft.Playwright;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Viewers;

/// <summary>The proxy's fixture with Chromium.</summary>
public sealed class ViewerBrowserFixture : ViewerProxyFixture
{
    protected override bool UsesBrowser => true;
}

/// <summary>The Orthanc Web Viewer, as a Viewer opens it from the portal: every request it makes passes the proxy's rule.</summary>
public sealed class ViewerBrowserTests(ViewerBrowserFixture fixture) : IClassFixture<ViewerBrowserFixture>
{
    [Fact]
    public async Task The_Orthanc_Web_Viewer_shows_a_series_through_the_proxy_without_a_refused_request()
    {
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.ViewerUser, PortalFixture.Password);
        var answers = new ConcurrentBag<(string Url, int Status)>();
        page.Response += (_, response) => answers.Add((response.Url, response.Status));

        var image = page.WaitForResponseAsync(r => r.Url.Contains("/web-viewer/instances/jpeg95-", StringComparison.Ordinal) && r.Status == 200);
        await page.GotoAsync($"web-viewer/app/viewer.html?series={fixture.SeriesId}");
        await image;
        await Assertions.Expect(page.Locator("#dicomImage canvas")).ToBeVisibleAsync();

        var viewerAnswers = answers.Where(a => a.Url.Contains("/web-viewer/", StringComparison.Ordinal)).ToList();
        viewerAnswers.ShouldContain(a => a.Url.Contains($"/web-viewer/series/{fixture.SeriesId}", StringComparison.Ordinal) && a.Status == 200);
        viewerAnswers.ShouldContain(a => a.Url.Contains("/web-viewer/libs/cornerstone.min.js", StringComparison.Ordinal) && a.Status == 200);
        viewerAnswers.Where(a => a.Status >= 400).ShouldBeEmpty();
    }
}
