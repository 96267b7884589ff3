using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using OrthancPortal.Features.Account;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Account;

/// <summary>
/// The first-run admin must choose a password before anything else. Every route the app maps (read from its
/// EndpointDataSource, so a new feature is covered without editing this test) answers with the change-password
/// page or 403, except sign-in, sign-out, change-password and the static files those pages load.
/// </summary>
public sealed class ForcedPasswordChangeTests(SessionPortalFixture fixture) : IClassFixture<SessionPortalFixture>
{
    private static readonly string[] Allowed = ["/account/change-password", "/account/login", "/account/logout", "/culture"];

    [Fact]
    public async Task The_first_run_admin_reaches_nothing_but_sign_in_sign_out_change_password_and_static_files()
    {
        var (client, cookie) = await fixture.SignInAsync(AccessSeeder.AdminUserName, fixture.FirstRunPassword);
        var endpoints = fixture.Portal.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        var allowed = endpoints.Where(e => e.Metadata.GetMetadata<AllowedBeforePasswordChangeAttribute>() is not null)
            .Select(e => Route(e)).Distinct().Order().ToList();
        allowed.ShouldBe(Allowed);

        var checkedRequests = 0;
        var failures = new List<string>();
        foreach (var endpoint in endpoints.Where(e => !Allowed.Contains(Route(e))))
        {
            var isPage = endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null;
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var path = SamplePath(endpoint.RoutePattern);
            foreach (var method in methods)
            {
                checkedRequests++;
                var expectPage = isPage && method == "GET";
                var problem = await CheckAsync(method, path, cookie, expectPage);
                if (problem is not null) failures.Add(problem);
            }
        }
        checkedRequests.ShouldBeGreaterThan(50, "the endpoint list looks too short to be the whole app");

        // Spellings that once slipped through ("has a dot") or might: case, encoded dots and slashes, doubled slashes.
        foreach (var path in new[]
        {
            "/api/admin/audit.csv", "/API/ADMIN/AUDIT.CSV", "/api/admin/audit%2Ecsv", "/api//admin/users", "/api/admin/users/",
            "/dicom-web/studies", "/dicom-web/studies/1.2.3/series/4.5.6/instances/7.8.9.dcm", "/account/change-password%2F..%2F..%2Fapi%2Fadmin%2Fusers",
            "/account/%2E%2E/api/admin/users", "/app.css/../api/admin/users", "/favicon.svg/x", "/_blazor/negotiate", "/lib/../api/admin/users",
        })
        {
            var problem = await CheckAsync("GET", path, cookie, expectPage: false, allowPageRedirect: true);
            if (problem is not null) failures.Add(problem);
        }
        failures.ShouldBeEmpty();

        // What the allowed pages need still loads: the pages themselves and every stylesheet, script and icon they link.
        var html = await client.GetStringAsync("account/change-password");
        html.ShouldContain("Choose a new password");
        (await client.GetAsync("account/login")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var assets = Regex.Matches(html, "(?:href|src)=\"([^\"]+)\"").Select(m => m.Groups[1].Value)
            .Where(a => a != "/" && !a.StartsWith("http") && !a.StartsWith('#') && !a.StartsWith("account/")).Distinct().ToList();
        assets.ShouldContain("app.css");
        foreach (var asset in assets)
        {
            (await fixture.GetWithCookieAsync(asset, cookie)).StatusCode.ShouldBe(HttpStatusCode.OK, asset);
        }

        // Signing out is allowed, and ends the session.
        var signOut = await client.PostAsync("account/logout", null);
        signOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signOut.Headers.Location!.ToString().ShouldEndWith("/account/login");
        (await fixture.GetWithCookieAsync("api/admin/users", cookie)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    /// <summary>Null when the route answered as it must: the change-password page for a page, 403 for anything else.</summary>
    private async Task<string?> CheckAsync(string method, string path, string cookie, bool expectPage, bool allowPageRedirect = false)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = fixture.Portal.Url };
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(fixture.Portal.Url, path));
        request.Headers.Add("Cookie", $"{SessionPortalFixture.CookieName}={cookie}");
        if (method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);
        var status = (int)response.StatusCode;
        var toChange = status == 302 && response.Headers.Location?.ToString().EndsWith("/account/change-password") == true;
        if (expectPage ? toChange : status == 403 || (allowPageRedirect && toChange)) return null;
        return $"{method} {path}: {status} {response.Headers.Location}";
    }

    private static string Route(RouteEndpoint e) => "/" + (e.RoutePattern.RawText ?? "").Trim('/');

    /// <summary>A concrete path for a route pattern: parameters get plausible values, catch-alls a path with dots.</summary>
    private static string SamplePath(RoutePattern pattern)
    {
        var segments = new List<string>();
        foreach (var segment in pattern.PathSegments)
        {
            var text = "";
            foreach (var part in segment.Parts)
            {
                text += part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart { IsCatchAll: true } => "studies/1.2.3/x.dcm",
                    RoutePatternParameterPart p when pattern.ParameterPolicies.TryGetValue(p.Name, out var policies)
                        && policies.Any(x => x.Content is "int" or "long") => "1",
                    RoutePatternParameterPart p when p.ParameterPolicies.Any(x => x.Content is "int" or "long") => "1",
                    RoutePatternParameterPart => "x1",
                    _ => "",
                };
            }
            segments.Add(text);
        }
        return "/" + string.Join('/', segments);
    }
}
