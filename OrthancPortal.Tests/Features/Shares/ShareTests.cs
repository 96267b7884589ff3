using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Shares;
using OrthancPortal.Features.Viewers;
using OrthancPortal.Tests.Features.Viewers;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Shares;

/// <summary>
/// A share link opens exactly its studies in the viewers for a visitor without an account, and nothing else: every
/// other study, page, API and the proxy's whole hostile-request table are refused with its cookie; expired, revoked and
/// unknown links get a page that says so; opens, viewer sessions and refusals are audited under the share.
/// </summary>
public sealed partial class ShareTests(ShareFixture fixture) : IClassFixture<ShareFixture>
{
    private string Instance => $"/dicom-web/studies/{fixture.Study.StudyUid}/series/{fixture.SeriesUid}/instances/{fixture.SopUid}";

    /// <summary>What OHIF and the Web Viewer ask for when they show the shared study.</summary>
    private IEnumerable<(string Target, string MediaType)> ViewingRequests()
    {
        var f = fixture;
        yield return ($"/dicom-web/studies?StudyInstanceUID={f.Study.StudyUid}&includefield=00081030&limit=10", "json");
        yield return ($"/dicom-web/series?StudyInstanceUID={f.Study.StudyUid}", "json");
        yield return ($"/dicom-web/studies/{f.Study.StudyUid}/series", "json");
        yield return ($"/dicom-web/studies/{f.Study.StudyUid}/series/{f.SeriesUid}/instances", "json");
        yield return ($"/dicom-web/studies/{f.Study.StudyUid}/metadata", "json");
        yield return ($"{Instance}/metadata", "json");
        yield return ($"{Instance}/frames/1", "multipart/related");
        yield return ($"{Instance}/rendered", "image/");
        yield return ($"/wado?requestType=WADO&objectUID={f.SopUid}&contentType=image/png", "image/png");
        yield return ("/web-viewer/app/viewer.html?series=" + f.SeriesId, "text/html");
        yield return ("/web-viewer/libs/jquery.js", "javascript");
        yield return ($"/web-viewer/series/{f.SeriesId}?_=1700000000000", "json");
        yield return ($"/web-viewer/is-stable-series/{f.SeriesId}", "json");
        yield return ($"/web-viewer/instances/jpeg95-{f.InstanceId}_0", "json");
        yield return ($"/instances/{f.InstanceId}/preview", "image/png");
        yield return ($"/ohif/viewer?StudyInstanceUIDs={f.Study.StudyUid}", "text/html");
        yield return ("/ohif/app-config.js", "javascript");
    }

    /// <summary>Viewer routes that name another study, search beyond the share, or download without permission.</summary>
    private IEnumerable<string> OutsideTheShare()
    {
        var f = fixture;
        var other = $"/dicom-web/studies/{f.Other.StudyUid}/series/{f.OtherSeriesUid}/instances/{f.OtherSopUid}";
        yield return $"/dicom-web/studies/{f.Other.StudyUid}/metadata";
        yield return $"/dicom-web/studies/{f.Other.StudyUid}/series";
        yield return $"{other}/frames/1";
        // The shared study's UID in front of another study's series and instance.
        yield return $"/dicom-web/studies/{f.Study.StudyUid}/series/{f.OtherSeriesUid}/metadata";
        yield return $"/dicom-web/studies/{f.Study.StudyUid}/series/{f.OtherSeriesUid}/instances/{f.OtherSopUid}/frames/1";
        yield return $"/dicom-web/studies/{f.Study.StudyUid}/series/{f.SeriesUid}/instances/{f.OtherSopUid}/rendered";
        yield return $"/web-viewer/series/{f.OtherSeriesId}";
        yield return $"/web-viewer/is-stable-series/{f.OtherSeriesId}";
        yield return $"/web-viewer/instances/jpeg95-{f.OtherInstanceId}_0";
        yield return $"/instances/{f.OtherInstanceId}/preview";
        yield return $"/wado?requestType=WADO&objectUID={f.OtherSopUid}&contentType=image/png";
        yield return $"/wado?requestType=WADO&studyUID={f.Study.StudyUid}&objectUID={f.OtherSopUid}&contentType=image/png";
        // Searches naming another UID, a list with another UID, a wildcard.
        yield return $"/dicom-web/studies?StudyInstanceUID={f.Other.StudyUid}";
        yield return $"/dicom-web/studies?StudyInstanceUID={f.Study.StudyUid},{f.Other.StudyUid}";
        yield return $"/dicom-web/studies?StudyInstanceUID={f.Study.StudyUid}%5C{f.Other.StudyUid}";
        yield return "/dicom-web/studies?StudyInstanceUID=1.2.*";
        // Whole DICOM files: this share does not allow downloads.
        yield return $"/dicom-web/studies/{f.Study.StudyUid}";
        yield return $"/dicom-web/studies/{f.Study.StudyUid}/series/{f.SeriesUid}";
        yield return Instance;
        yield return $"/wado?requestType=WADO&objectUID={f.SopUid}&contentType=application%2Fdicom";
        yield return $"/s/download/{f.StudyId}";
    }

    [Fact]
    public async Task A_share_link_opens_its_study_in_the_viewers_and_nothing_else()
    {
        var share = await fixture.CreateShareAsync(PortalFixture.StandardUser, [fixture.StudyId]);
        using var visitor = fixture.Visitor();
        using var landing = await visitor.GetAsync(share.Path);
        landing.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await landing.Content.ReadAsStringAsync();
        html.ShouldContain("Shared studies");
        html.ShouldContain($"ohif/viewer?StudyInstanceUIDs={fixture.Study.StudyUid}");
        html.ShouldContain($"web-viewer/app/viewer.html?series={fixture.SeriesId}");
        html.ShouldNotContain("s/download/");

        // One HttpOnly, SameSite=Strict cookie per viewer path, holding the token; nothing for the rest of the portal.
        var cookies = landing.Headers.GetValues("Set-Cookie").Where(c => c.StartsWith($"{ShareCookie.Name}=", StringComparison.Ordinal)).ToList();
        cookies.Select(c => Regex.Match(c, "path=([^;]+)", RegexOptions.IgnoreCase).Groups[1].Value).Order()
            .ShouldBe(["/dicom-web", "/ohif", "/s", "/wado", "/web-viewer"]);
        cookies.ShouldAllBe(c => c.StartsWith($"{share.Cookie};") && c.Contains("httponly", StringComparison.OrdinalIgnoreCase) && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));

        foreach (var (target, mediaType) in ViewingRequests())
        {
            using var response = await fixture.GetAsync(target, share.Cookie);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{target}: {await response.Content.ReadAsStringAsync()}");
            response.Content.Headers.ContentType!.MediaType!.ShouldContain(mediaType, Case.Insensitive, target);
        }
        var before = await ViewerAttackTable.OrthancStateAsync(fixture);
        foreach (var target in OutsideTheShare())
        {
            using var response = await fixture.GetAsync(target, share.Cookie);
            response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{target}: {await response.Content.ReadAsStringAsync()}");
        }
        // A search over everything (OHIF looks for the patient's other studies this way) finds only the shared study.
        foreach (var search in new[] { "/dicom-web/studies", "/dicom-web/studies?PatientName=*", "/dicom-web/series?PatientID=SHARE-OTHER", "/dicom-web/instances",
                     "/dicom-web/studies?00100020=PROXY-1&limit=101&offset=0&fuzzymatching=false&includefield=00081030%2C00080060" })
        {
            using var response = await fixture.GetAsync(search, share.Cookie);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, search);
            var found = await response.Content.ReadAsStringAsync();
            found.ShouldNotContain(fixture.Other.StudyUid, customMessage: search);
            if (search.Contains("PatientName")) found.ShouldContain(fixture.Study.StudyUid);
        }
        using (var stow = await ViewerAttackTable.SendRawAsync(fixture, visitor, new ViewerAttackTable.Attack("POST", "/dicom-web/studies", "x", "application/dicom"), share.Cookie))
        {
            stow.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }
        (await ViewerAttackTable.OrthancStateAsync(fixture)).ShouldBe(before);

        // Without the cookie the viewers are closed, as for anyone without an account.
        using var anonymous = await fixture.GetAsync($"{Instance}/metadata", null);
        ((int)anonymous.StatusCode).ShouldBeOneOf([302, 401]);
    }

    /// <summary>Every route of the portal that is not a viewer's or the share's own answers 403 to the share's cookie.</summary>
    [Fact]
    public async Task Every_portal_page_and_API_answers_403_to_a_share_cookie()
    {
        var share = await fixture.CreateShareAsync(PortalFixture.StandardUser, [fixture.StudyId]);
        var endpoints = fixture.Portal.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ShareReachableAttribute>() is null).ToList();
        var checkedRoutes = 0;
        var failures = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var route = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var path = RouteParameter().Replace(route, m => m.Groups["constraint"].Value.Contains("int") || m.Groups["constraint"].Value.Contains("long") ? "1"
                : m.Groups["name"].Value.Equals("level", StringComparison.OrdinalIgnoreCase) ? "studies" : fixture.StudyId);
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                using var visitor = fixture.Visitor();
                using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
                request.Headers.Add("Cookie", share.Cookie);
                if (method != "GET" && method != "HEAD") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                using var response = await visitor.SendAsync(request);
                checkedRoutes++;
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.Forbidden || !body.Contains("share link opens only its studies"))
                {
                    failures.Add($"{method} {path}: {(int)response.StatusCode}");
                }
            }
        }
        checkedRoutes.ShouldBeGreaterThan(50);
        failures.ShouldBeEmpty();
    }

    [GeneratedRegex(@"\{(?<all>\*\*?)?(?<name>\w+)(?<constraint>:[^}?]*)?\??\}")]
    private static partial Regex RouteParameter();

    /// <summary>The proxy's hostile-request table, sent with a share cookie (on every target) instead of a session.</summary>
    [Fact]
    public async Task The_proxy_s_hostile_request_table_is_refused_and_audited_under_the_share()
    {
        var share = await fixture.CreateShareAsync(PortalFixture.StandardUser, [fixture.StudyId]);
        var attacks = ViewerAttackTable.Attacks(fixture).ToList();
        attacks.Count.ShouldBeGreaterThan(30);
        var before = await ViewerAttackTable.OrthancStateAsync(fixture);
        var user = $"share:{share.Id}";
        using var visitor = fixture.Visitor();
        foreach (var attack in attacks)
        {
            var resource = $"{(attack.Method == "X-HTTP-Method-Override" ? "GET" : attack.Method)} {attack.Target}";
            var audited = fixture.AuditOf(user).Count(e => e.Action == ViewerProxy.RefusedAction && e.Resource == resource && !e.Success);
            using var response = await ViewerAttackTable.SendRawAsync(fixture, visitor, attack, share.Cookie);
            var body = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).ShouldBeOneOf([400, 403], $"{attack} answered {(int)response.StatusCode} {body}");
            if (attack.Method != "HEAD") body.ShouldStartWith("Refused by the viewer proxy", customMessage: attack.ToString());
            fixture.AuditOf(user).Count(e => e.Action == ViewerProxy.RefusedAction && e.Resource == resource && !e.Success)
                .ShouldBe(audited + 1, $"{attack} is audited once under the share");
        }
        (await ViewerAttackTable.OrthancStateAsync(fixture)).ShouldBe(before);
        fixture.AuditOf(user).Where(e => e.Action == ViewerProxy.RefusedAction).ShouldAllBe(e => e.Details!.StartsWith($"shared by {PortalFixture.StandardUser}"));
    }

    [Fact]
    public async Task Expired_revoked_and_unknown_links_get_a_page_that_says_so_and_open_nothing()
    {
        var revoked = await fixture.CreateShareAsync(PortalFixture.StandardUser, [fixture.StudyId]);
        var expired = await fixture.CreateShareAsync(PortalFixture.StandardUser, [fixture.StudyId]);
        foreach (var share in new[] { revoked, expired })
        {
            using var open = await fixture.GetAsync("/" + share.Path, null);
            open.StatusCode.ShouldBe(HttpStatusCode.OK);
            using var metadata = await fixture.GetAsync($"{Instance}/metadata", share.Cookie);
            metadata.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var sharer = await fixture.SignInAsync(PortalFixture.StandardUser))
        {
            (await sharer.PostAsync($"api/shares/{revoked.Id}/revoke", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }
        // Time passes: the share's end lies behind it.
        await fixture.UpdateShareAsync(expired.Id, s => s.ExpiresAt = DateTime.UtcNow.AddMinutes(-1));

        foreach (var (share, words) in new[] { (revoked, "This link was withdrawn"), (expired, "This link has expired") })
        {
            using var page = await fixture.GetAsync("/" + share.Path, null);
            page.StatusCode.ShouldBe(HttpStatusCode.Gone);
            var html = await page.Content.ReadAsStringAsync();
            html.ShouldContain(words);
            html.ShouldNotContain("ohif/viewer");
            (page.Headers.TryGetValues("Set-Cookie", out var set) ? set : []).ShouldNotContain(c => c.StartsWith(share.Cookie, StringComparison.Ordinal));
            // The cookie a browser kept from before opens nothing any more.
            foreach (var target in new[] { $"{Instance}/metadata", $"/web-viewer/series/{fixture.SeriesId}", "/ohif/viewer" })
            {
                using var refused = await fixture.GetAsync(target, share.Cookie);
                ((int)refused.StatusCode).ShouldBeOneOf([302, 401, 403], target);
            }
            fixture.AuditOf($"share:{share.Id}").ShouldContain(e => e.Action == ShareLanding.OpenAction && !e.Success);
        }

        using var unknown = await fixture.GetAsync("/s/" + new string('A', 43), null);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await unknown.Content.ReadAsStringAsync()).ShouldContain("This link does not exist");

        // The list shows both as ended; a viewer cannot revoke someone else's share.
        using var list = await fixture.SignInAsync(PortalFixture.StandardUser);
        var rows = (await list.GetFromJsonAsync<JsonArray>("api/shares"))!;
        rows.Single(r => r!["id"]!.GetValue<long>() == revoked.Id)!["revokedBy"]!.GetValue<string>().ShouldBe(PortalFixture.StandardUser);
        rows.Single(r => r!["id"]!.GetValue<long>() == expired.Id)!["expired"]!.GetValue<bool>().ShouldBeTrue();
        using var viewer = await fixture.SignInAsync(PortalFixture.ViewerUser);
        (await viewer.PostAsync($"api/shares/{expired.Id}/revoke", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Opens_and_viewer_sessions_are_audited_and_counted_not_every_tile()
    {
        var share = await fixture.CreateShareAsync(PortalFixture.StandardUser, [fixture.StudyId]);
        var user = $"share:{share.Id}";
        fixture.AuditOf(PortalFixture.StandardUser).ShouldContain(e => e.Action == ShareService.CreateAction && e.Resource == $"share/{share.Id}");

        (await fixture.GetAsync("/" + share.Path, null)).Dispose();
        (await fixture.GetAsync("/" + share.Path, null)).Dispose();
        (await fixture.GetAsync($"/ohif/viewer?StudyInstanceUIDs={fixture.Study.StudyUid}", share.Cookie)).Dispose();
        (await fixture.GetAsync($"/web-viewer/app/viewer.html?series={fixture.SeriesId}", share.Cookie)).Dispose();
        for (var i = 0; i < 5; i++)
        {
            (await fixture.GetAsync($"{Instance}/frames/1", share.Cookie)).Dispose();
            (await fixture.GetAsync($"/web-viewer/instances/jpeg95-{fixture.InstanceId}_0", share.Cookie)).Dispose();
        }

        var entries = fixture.AuditOf(user);
        entries.Count(e => e.Action == ShareLanding.OpenAction && e.Success).ShouldBe(2);
        entries.Where(e => e.Action == ViewerProxy.ShareViewAction).Select(e => e.Resource).ShouldBe(["ohif", "web-viewer"]);
        entries.ShouldAllBe(e => e.Details!.StartsWith($"shared by {PortalFixture.StandardUser}"));
        entries.Single(e => e.Resource == "ohif").Details!.ShouldContain(fixture.Study.StudyUid);

        using var sharer = await fixture.SignInAsync(PortalFixture.StandardUser);
        var row = (await sharer.GetFromJsonAsync<JsonArray>("api/shares"))!.Single(r => r!["id"]!.GetValue<long>() == share.Id)!;
        row["openCount"]!.GetValue<int>().ShouldBe(2);
        // An admin sees everyone's shares; the sharer's list holds only their own.
        using var admin = await fixture.SignInAsync(PortalFixture.AdminUser);
        (await admin.GetFromJsonAsync<JsonArray>("api/shares"))!.ShouldContain(r => r!["id"]!.GetValue<long>() == share.Id);
        var adminShare = await fixture.CreateShareAsync(PortalFixture.AdminUser, [fixture.StudyId]);
        (await sharer.GetFromJsonAsync<JsonArray>("api/shares"))!.ShouldNotContain(r => r!["id"]!.GetValue<long>() == adminShare.Id);
    }

    [Fact]
    public async Task Downloads_only_when_the_sharer_allowed_them()
    {
        var share = await fixture.CreateShareAsync(PortalFixture.StandardUser, [fixture.StudyId], allowDownload: true);
        using var landing = await fixture.GetAsync("/" + share.Path, null);
        (await landing.Content.ReadAsStringAsync()).ShouldContain($"s/download/{fixture.StudyId}");
        using var zip = await fixture.GetAsync($"/s/download/{fixture.StudyId}", share.Cookie);
        zip.StatusCode.ShouldBe(HttpStatusCode.OK);
        zip.Content.Headers.ContentType!.MediaType.ShouldBe("application/zip");
        (await zip.Content.ReadAsByteArrayAsync())[..2].ShouldBe("PK"u8.ToArray());
        using var wado = await fixture.GetAsync($"/wado?requestType=WADO&objectUID={fixture.SopUid}&contentType=application%2Fdicom", share.Cookie);
        wado.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var other = await fixture.GetAsync($"/s/download/{fixture.OtherStudyId}", share.Cookie);
        other.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        fixture.AuditOf($"share:{share.Id}").Where(e => e.Action == SharesServiceCollectionExtensions.DownloadAction).Select(e => e.Success).ShouldBe([true, false]);
    }

    [Fact]
    public async Task The_sharer_needs_the_Share_permission_and_shares_only_studies_the_label_limit_lets_them_see()
    {
        using var viewer = await fixture.SignInAsync(PortalFixture.ViewerUser);
        (await viewer.PostAsJsonAsync("api/shares", new { StudyIds = new[] { fixture.StudyId }, ValidDays = 1 })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using var limited = await fixture.SignInAsync(ShareFixture.LimitedSharer);
        using var outside = await limited.PostAsJsonAsync("api/shares", new { StudyIds = new[] { fixture.OtherStudyId }, ValidDays = 1 });
        outside.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await outside.Content.ReadAsStringAsync()).ShouldContain(ShareFixture.SharedLabel);
        using var mixed = await limited.PostAsJsonAsync("api/shares", new { StudyIds = new[] { fixture.StudyId, fixture.OtherStudyId }, ValidDays = 1 });
        mixed.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var allowed = await fixture.CreateShareAsync(ShareFixture.LimitedSharer, [fixture.StudyId], days: 1);
        using var metadata = await fixture.GetAsync($"{Instance}/metadata", (await OpenAsync(allowed)).Cookie);
        metadata.StatusCode.ShouldBe(HttpStatusCode.OK);

        // The admin's limit on the validity holds, and bad input says what is wrong.
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);
        using var tooLong = await user.PostAsJsonAsync("api/shares", new { StudyIds = new[] { fixture.StudyId }, ValidDays = 31 });
        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await tooLong.Content.ReadAsStringAsync()).ShouldContain("1 to 30 days");
        (await user.PostAsJsonAsync("api/shares", new { StudyIds = Array.Empty<string>(), ValidDays = 1 })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await user.PostAsJsonAsync("api/shares", new { StudyIds = new[] { "../system" }, ValidDays = 1 })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_basket_share_holds_the_studies_of_the_sharer_s_export_basket()
    {
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);
        (await user.DeleteAsync("api/baskets/Export/" + fixture.StudyId)).Dispose();
        (await user.PostAsJsonAsync("api/baskets/Export", new { Items = new object[] { new { Level = "Series", OrthancId = fixture.SeriesId }, new { Level = "Study", OrthancId = fixture.OtherStudyId } } }))
            .EnsureSuccessStatusCode();
        using var response = await user.PostAsJsonAsync("api/shares", new { FromBasket = true, ValidDays = 2 });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        body["studies"]!.GetValue<int>().ShouldBe(2);
        var path = body["path"]!.GetValue<string>();
        var cookie = $"{ShareCookie.Name}={path["s/".Length..]}";
        using var landing = await fixture.GetAsync("/" + path, null);
        var html = await landing.Content.ReadAsStringAsync();
        html.ShouldContain("Open all in OHIF");
        (await fixture.GetAsync($"/dicom-web/studies/{fixture.Other.StudyUid}/metadata", cookie)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await fixture.GetAsync($"/dicom-web/studies?StudyInstanceUID={fixture.Study.StudyUid},{fixture.Other.StudyUid}", cookie)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await user.DeleteAsync("api/baskets/Export/" + fixture.SeriesId)).Dispose();
        (await user.DeleteAsync("api/baskets/Export/" + fixture.OtherStudyId)).Dispose();
    }

    private async Task<ShareFixture.CreatedShare> OpenAsync(ShareFixture.CreatedShare share)
    {
        (await fixture.GetAsync("/" + share.Path, null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        return share;
    }
}
