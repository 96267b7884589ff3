using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Viewers;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Security;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Viewers;

/// <summary>The proxy's fixture with Chromium.</summary>
public sealed class ViewerBrowserFixture : ViewerProxyFixture
{
    protected override bool UsesBrowser => true;
}

/// <summary>The Orthanc Web Viewer and the built-in OHIF, as a Viewer opens them from the portal: every request they make passes the proxy's rule.</summary>
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

    [Fact]
    public async Task OHIF_opened_from_the_study_list_draws_the_study_and_asks_only_the_portal_s_checked_routes()
    {
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.ViewerUser, PortalFixture.Password);
        var lastAudit = LastAuditId();
        var requests = new ConcurrentBag<string>();
        var answers = new ConcurrentBag<(string Url, int Status)>();
        var failed = new ConcurrentBag<string>();
        var console = new ConcurrentBag<string>();
        // The context's events: OHIF's tab and its workers, whatever they fetch.
        page.Context.Request += (_, request) => requests.Add(request.Url);
        page.Context.Response += (_, response) => answers.Add((response.Url, response.Status));
        page.Context.RequestFailed += (_, request) => failed.Add($"{request.Url} {request.Failure}");
        page.Context.Page += (_, opened) => opened.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");

        await page.GotoAsync("content/studies");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.FillAsync(OrthancPortal.Tests.Features.Content.StudyList.NameFilter, "proxy*");
        await page.ClickAsync("[data-test=search]");
        var row = OrthancPortal.Tests.Features.Content.StudyList.Row(page, fixture.StudyId);
        var link = row.Locator("[data-test=open-ohif]");
        var href = await link.GetAttributeAsync("href");
        href.ShouldBe($"{fixture.Portal.Url}ohif/viewer?StudyInstanceUIDs={fixture.Study.StudyUid}");
        var ohif = await page.RunAndWaitForPopupAsync(() => link.ClickAsync());

        // The viewport canvas holds the image once some pixel is not black (the synthetic CT is a grey ramp).
        await ohif.WaitForFunctionAsync("""
            () => [...document.querySelectorAll('.cornerstone-canvas, [data-viewport-uid] canvas')].some(c => {
              if (c.width === 0 || c.height === 0) return false;
              const context = c.getContext('2d');
              if (!context) return false;
              const data = context.getImageData(0, 0, c.width, c.height).data;
              for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] > 30) return true;
              return false;
            })
            """, null, new PageWaitForFunctionOptions { Timeout = 180_000, PollingInterval = 500 });
        var screenshots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "TestResults", "ohif"));
        await ohif.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots.FullName, "study.png") });

        var origin = fixture.Portal.Url.GetLeftPart(UriPartial.Authority);
        await File.WriteAllLinesAsync(Path.Combine(screenshots.FullName, "requests.txt"), answers.Select(a => $"{a.Status} {a.Url}").Order());
        requests.Where(u => !u.StartsWith(origin + "/", StringComparison.Ordinal) && !u.StartsWith("data:", StringComparison.Ordinal) && !u.StartsWith("blob:" + origin, StringComparison.Ordinal))
            .ShouldBeEmpty("OHIF asks the portal only");
        answers.Where(a => a.Status >= 400).ShouldBeEmpty($"console: {string.Join(" | ", console)}");
        failed.ShouldBeEmpty();
        answers.ShouldContain(a => a.Url.Contains($"/dicom-web/studies/{fixture.Study.StudyUid}/series", StringComparison.Ordinal) && a.Status == 200);
        answers.ShouldContain(a => a.Url.Contains("/metadata", StringComparison.Ordinal) && a.Status == 200);
        answers.ShouldContain(a => a.Url.Contains("/frames/", StringComparison.Ordinal) && a.Status == 200);
        console.Where(m => m.Contains("Content Security Policy", StringComparison.Ordinal)).ShouldBeEmpty();
        RefusedSince(lastAudit).ShouldBeEmpty();

        // The study page offers the same viewer.
        await page.GotoAsync($"content/studies/{fixture.StudyId}");
        await Assertions.Expect(page.Locator("[data-test=viewer-link]", new() { HasText = "OHIF" })).ToHaveAttributeAsync("href", href!);
    }

    [Fact]
    public async Task The_OHIF_path_serves_its_own_files_and_config_to_viewers_only_with_wasm_allowed_there_alone()
    {
        using var anonymous = fixture.Portal.NewClient();
        var refused = await anonymous.GetAsync("ohif/viewer");
        ((int)refused.StatusCode).ShouldBeOneOf(302, 401);
        (await anonymous.GetAsync("ohif/app-config.js")).IsSuccessStatusCode.ShouldBeFalse();

        using var viewer = await fixture.Portal.SignInAsync(PortalFixture.ViewerUser, PortalFixture.Password);
        var page = await viewer.GetAsync($"ohif/viewer?StudyInstanceUIDs={fixture.Study.StudyUid}");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("<script src=\"/ohif/app-config.js\"></script>");
        html.ShouldNotContain("<script>");
        page.Headers.GetValues("Content-Security-Policy").Single().ShouldBe(SecurityHardeningExtensions.OhifContentSecurityPolicy);

        var config = await viewer.GetStringAsync("ohif/app-config.js");
        config.ShouldContain("qidoRoot: '/dicom-web'");
        config.ShouldNotContain("http");
        var bundle = Regex.Match(html, "/ohif/(app\\.bundle\\.[0-9a-f]+\\.js)").Groups[1].Value;
        var script = await viewer.GetAsync($"ohif/{bundle}");
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
        script.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
        (await script.Content.ReadAsStringAsync()).ShouldContain("__webpack_require__.p = \"/ohif/\";");
        (await viewer.GetAsync("ohif/app.bundle.css")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The build's own config, service worker and Google files are not there; nothing leaves the folder.
        foreach (var path in new[] { "ohif/google.js", "ohif/sw.js", "ohif/init-service-worker.js", "ohif/serve.json", "ohif/missing.js",
                     "ohif/%2e%2e/appsettings.json", "ohif/..%2fappsettings.json", "ohif/.version", "ohif/assets/..%5c..%5cappsettings.json" })
        {
            (await viewer.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
        }

        // Every other page keeps the portal's strict policy.
        var studies = await viewer.GetAsync("content/studies");
        studies.Headers.GetValues("Content-Security-Policy").Single().ShouldBe(SecurityHardeningExtensions.ContentSecurityPolicy);
    }

    private long LastAuditId()
    {
        using var scope = fixture.Portal.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<AuditEntry>().AsNoTracking().Max(e => (long?)e.Id) ?? 0;
    }

    private List<string> RefusedSince(long id)
    {
        using var scope = fixture.Portal.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<AuditEntry>().AsNoTracking()
            .Where(e => e.Id > id && e.Action == ViewerProxy.RefusedAction).Select(e => e.Resource + " " + e.Details).ToList();
    }
}
