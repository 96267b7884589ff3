using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Viewers;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Viewers;

/// <summary>The portal on an Orthanc that also runs the Web Viewer plugin, with one stored CT study.</summary>
public class ViewerProxyFixture : PortalFixture
{
    public const string ViewerImporter = "viewimport1";

    public SyntheticStudy Study { get; private set; } = default!;
    public string StudyId { get; private set; } = "";
    public string PatientId { get; private set; } = "";
    public string SeriesId { get; private set; } = "";
    public string SeriesUid { get; private set; } = "";
    public string InstanceId { get; private set; } = "";
    public string SopUid { get; private set; } = "";

    // The Web Viewer plugin sits next to the DICOMweb plugin, wherever the harness takes that one from.
    protected override Action<JsonObject>? ConfigureLocalOrthanc => config =>
    {
        var plugins = config["Plugins"]!.AsArray();
        var dicomWeb = plugins.Select(p => p!.GetValue<string>()).First(p => p.Contains("DicomWeb", StringComparison.Ordinal));
        // The tree's plugin links resolve to versioned files (libOrthancDicomWeb.so.1.20, libOrthancWebViewer.so.2.10).
        plugins.Add(Directory.GetFiles(Path.GetDirectoryName(dicomWeb)!, "libOrthancWebViewer.so*").Order(StringComparer.Ordinal).First());
        config["WebViewer"] = new JsonObject { ["CachePath"] = Path.Combine(Path.GetDirectoryName(config["StorageDirectory"]!.GetValue<string>())!, "webviewer-cache") };
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Portal.CreateRoleAsync("ViewerImporter", Permissions.ViewContent, Permissions.Import);
        await Portal.CreateUserAsync(ViewerImporter, Password, "ViewerImporter");
        Study = TestDicom.Study(TestDicom.Patient("PROXY-1", "Proxy^Rule"), "CT", instances: 2);
        StudyId = await ContentTestData.StoreAsync(Local, Study);
        var study = await Local.GetJsonAsync($"studies/{StudyId}");
        PatientId = study["ParentPatient"]!.GetValue<string>();
        SeriesId = study["Series"]![0]!.GetValue<string>();
        SeriesUid = (await Local.GetJsonAsync($"series/{SeriesId}"))["MainDicomTags"]!["SeriesInstanceUID"]!.GetValue<string>();
        var instance = (await Local.GetJsonAsync($"series/{SeriesId}/instances"))[0]!;
        InstanceId = instance["ID"]!.GetValue<string>();
        SopUid = instance["MainDicomTags"]!["SOPInstanceUID"]!.GetValue<string>();
        await WaitUntilStableAsync(StudyId);
    }

    /// <summary>
    /// Waits for Orthanc's "stable" changes of a study (its series, the study, its patient), so that the tests'
    /// before/after comparison of the change log sees only what the requests did.
    /// </summary>
    public async Task WaitUntilStableAsync(string studyId)
    {
        var study = await Local.GetJsonAsync($"studies/{studyId}");
        var expected = study["Series"]!.AsArray().Select(s => $"StableSeries {s}")
            .Append($"StableStudy {studyId}").Append($"StablePatient {study["ParentPatient"]}").ToList();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var changes = (await Local.GetJsonAsync("changes?since=0&limit=10000"))["Changes"]!.AsArray()
                .Select(c => $"{c!["ChangeType"]} {c["ID"]}").ToHashSet();
            if (expected.All(changes.Contains)) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Study {studyId} did not become stable.");
            await Task.Delay(200);
        }
    }
}

/// <summary>
/// The viewer proxy is a rule, not a pass-through: traversal, method tricks and unknown routes never reach Orthanc
/// (checked against Orthanc's own state, read from the Orthanc process), each refusal is audited, and the requests
/// the viewers really make still work.
/// </summary>
public sealed partial class ViewerProxyTests(ViewerProxyFixture fixture) : IClassFixture<ViewerProxyFixture>
{
    private IEnumerable<ViewerAttackTable.Attack> Attacks() => ViewerAttackTable.Attacks(fixture);

    private IEnumerable<(string Target, string MediaType)> LegitimateGets() => ViewerAttackTable.LegitimateGets(fixture);

    [Fact]
    public async Task Traversal_method_tricks_and_unknown_routes_never_reach_Orthanc_and_are_audited()
    {
        var attacks = Attacks().ToList();
        attacks.Count.ShouldBeGreaterThan(30);
        var before = await OrthancStateAsync();

        foreach (var user in new[] { PortalFixture.ViewerUser, PortalFixture.AdminUser })
        {
            using var client = await fixture.SignInAsync(user);
            foreach (var attack in attacks)
            {
                var auditedBefore = RefusalsOf(user, attack);
                using var response = await SendRawAsync(client, attack);
                var body = await response.Content.ReadAsStringAsync();
                ((int)response.StatusCode).ShouldBeOneOf([400, 403], $"{user}: {attack} answered {(int)response.StatusCode} {body}");
                if (attack.Method != "HEAD") body.ShouldStartWith("Refused by the viewer proxy", customMessage: $"{user}: {attack}");
                RefusalsOf(user, attack).ShouldBe(auditedBefore + 1, $"{user}: {attack} is audited once with its raw target");
            }
        }

        var after = await OrthancStateAsync();
        after.ShouldBe(before, "Orthanc's changes, modalities, studies and protection flag are untouched");
        AuditDetailsFor(PortalFixture.ViewerUser).ShouldAllBe(d => !d.Contains("EVIL"), "bodies never go into the audit");
    }

    [Fact]
    public async Task STOW_needs_Import_and_a_viewer_without_it_changes_nothing()
    {
        var before = await OrthancStateAsync();
        using var viewer = await fixture.SignInAsync(PortalFixture.ViewerUser);
        var newStudy = TestDicom.Study(TestDicom.Patient("PROXY-STOW", "Stow^Viewer"), "CT", instances: 1);
        var files = ContentTestData.Files(newStudy);
        using (var refused = await viewer.PostAsync("dicom-web/studies", StowBody(files)))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }
        (await OrthancStateAsync()).ShouldBe(before);
        AuditResourcesFor(PortalFixture.ViewerUser).ShouldContain("POST /dicom-web/studies");

        using var importer = await fixture.SignInAsync(ViewerProxyFixture.ViewerImporter);
        using var stored = await importer.PostAsync("dicom-web/studies", StowBody(files));
        stored.StatusCode.ShouldBe(HttpStatusCode.OK, await stored.Content.ReadAsStringAsync());
        using var intoStudy = await importer.PostAsync($"dicom-web/studies/{newStudy.StudyUid}", StowBody(files));
        intoStudy.StatusCode.ShouldBe(HttpStatusCode.OK);
        var lookup = JsonNode.Parse(await (await fixture.Local.Http.PostAsync("tools/lookup", new StringContent(newStudy.StudyUid))).Content.ReadAsStringAsync())!;
        var storedId = lookup.AsArray().Single()!["ID"]!.GetValue<string>();
        (await fixture.Local.CountAsync($"studies/{storedId}/instances")).ShouldBe(1, "the second STOW of the same file stored nothing new");
        await fixture.WaitUntilStableAsync(storedId);
    }

    [Fact]
    public async Task The_requests_viewers_make_still_work_for_a_viewer()
    {
        using var viewer = await fixture.SignInAsync(PortalFixture.ViewerUser);
        foreach (var (target, mediaType) in LegitimateGets())
        {
            using var response = await SendRawAsync(viewer, new ViewerAttackTable.Attack("GET", target));
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{target}: {await response.Content.ReadAsStringAsync()}");
            response.Content.Headers.ContentType!.MediaType!.ShouldContain(mediaType, Case.Insensitive, target);
        }

        // DICOMweb answers point at the portal, not at Orthanc's loopback port (the Forwarded header).
        var metadata = await viewer.GetStringAsync($"dicom-web/studies/{fixture.Study.StudyUid}/series/{fixture.SeriesUid}/instances/{fixture.SopUid}/metadata");
        metadata.ShouldContain(fixture.Portal.Url.Authority);
        metadata.ShouldNotContain($":{fixture.Local.HttpPort}/");
        var slices = JsonNode.Parse(await viewer.GetStringAsync($"web-viewer/series/{fixture.SeriesId}"))!["Slices"]!.AsArray();
        slices.Count.ShouldBe(2);
        using var image = await viewer.GetAsync($"web-viewer/instances/jpeg95-{slices[0]!.GetValue<string>()}");
        image.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var head = await viewer.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"instances/{fixture.InstanceId}/preview"));
        head.StatusCode.ShouldBe(HttpStatusCode.OK);

        // Unknown parameters are dropped, not passed on: the answer is the same as without them.
        var plain = await viewer.GetStringAsync($"dicom-web/studies?StudyInstanceUID={fixture.Study.StudyUid}");
        (await viewer.GetStringAsync($"dicom-web/studies?StudyInstanceUID={fixture.Study.StudyUid}&expand&requestedTags=x")).ShouldBe(plain);
        AuditResourcesFor(PortalFixture.ViewerUser).ShouldNotContain(r => r.Contains("StudyInstanceUID="));
    }

    /// <summary>The same rule for targets written byte by byte on a socket, with no HTTP client in between to tidy them.</summary>
    [Fact]
    public async Task Raw_socket_targets_are_refused_and_audited_as_sent()
    {
        var f = fixture;
        var before = await OrthancStateAsync();
        using var viewer = await f.SignInAsync(PortalFixture.ViewerUser);
        var cookie = await CookieHeaderAsync(viewer);
        var targets = new (string Method, string Target)[]
        {
            ("GET", "/dicom-web/../system"),
            ("GET", "/dicom-web/%2e%2e/patients"),
            ("GET", "/web-viewer/..\\..\\changes"),
            ("GET", $"/dicom-web/..%2Fstudies%2F{f.StudyId}?_method=DELETE"),
            ("GET", $"/instances/./{f.InstanceId}/preview"),
            ("GET", $"/instances/{f.InstanceId}/preview/../../../system"),
            ("DELETE", $"/dicom-web/studies/{f.Study.StudyUid}"),
        };
        foreach (var (method, target) in targets)
        {
            var attack = new ViewerAttackTable.Attack(method, target);
            var audited = RefusalsOf(PortalFixture.ViewerUser, attack);
            var status = await SendOnSocketAsync(method, target, cookie);
            status.ShouldBeOneOf([400, 403], $"{method} {target}");
            RefusalsOf(PortalFixture.ViewerUser, attack).ShouldBe(audited + 1, $"{method} {target} is audited with the target as sent");
        }
        (await OrthancStateAsync()).ShouldBe(before);
    }

    /// <summary>
    /// The signed-in client's session cookie, as it would send it: cookies are scoped by host, not port, so the
    /// client hands them to a listener on another loopback port too.
    /// </summary>
    private static async Task<string> CookieHeaderAsync(HttpClient signedIn)
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var accept = listener.AcceptTcpClientAsync();
            var request = signedIn.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
            using var socket = await accept;
            var stream = socket.GetStream();
            var head = await ReadHeadAsync(stream);
            await stream.WriteAsync("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"u8.ToArray());
            (await request).Dispose();
            return head.Split("\r\n").Single(l => l.StartsWith("Cookie:", StringComparison.OrdinalIgnoreCase))["Cookie:".Length..].Trim();
        }
        finally
        {
            listener.Stop();
        }
    }

    private async Task<int> SendOnSocketAsync(string method, string target, string cookie)
    {
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, fixture.Portal.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{fixture.Portal.Port}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"));
        var statusLine = (await ReadHeadAsync(stream)).Split("\r\n")[0];
        return int.Parse(statusLine.Split(' ')[1]);
    }

    private static async Task<string> ReadHeadAsync(Stream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer) == 1) head.Append((char)buffer[0]);
        return head.ToString();
    }

    /// <summary>
    /// A page elsewhere can send the victim's browser to any GET route of the portal with the session cookie
    /// (SameSite=Lax). Every GET route, with its parameters filled with real ids, traversal in catch-alls and
    /// _method=DELETE on top, must leave Orthanc as it was.
    /// </summary>
    [Fact]
    public async Task No_GET_route_of_the_portal_changes_anything_in_Orthanc()
    {
        var f = fixture;
        var routes = f.Portal.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is not { } m || m.HttpMethods.Contains("GET"))
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))
            .Where(r => !r.StartsWith("/_blazor", StringComparison.Ordinal) && !r.StartsWith("/_framework", StringComparison.Ordinal))
            .Distinct().ToList();
        routes.Count.ShouldBeGreaterThan(20);
        var before = await OrthancStateAsync();

        using var admin = await f.SignInAsync(PortalFixture.AdminUser);
        var sent = 0;
        foreach (var route in routes)
        {
            var path = RouteParameter().Replace(route, m => m.Groups["name"].Value.ToLowerInvariant() switch
            {
                _ when m.Groups["all"].Success => $"..%2Fstudies%2F{f.StudyId}",
                _ when m.Groups["constraint"].Value.Contains("int") || m.Groups["constraint"].Value.Contains("long") => "1",
                "level" => "studies",
                "kind" => "Delete",
                _ when route.Contains("patients") => f.PatientId,
                _ when route.Contains("series") => f.SeriesId,
                _ when route.Contains("instances") => f.InstanceId,
                _ => f.StudyId,
            });
            foreach (var query in new[] { "?_method=DELETE", $"?_method=PUT&key=x&study={f.StudyId}&format=zip" })
            {
                using var response = await SendRawAsync(admin, new ViewerAttackTable.Attack("GET", path + query));
                sent++;
            }
        }

        sent.ShouldBe(routes.Count * 2);
        (await OrthancStateAsync()).ShouldBe(before, $"after GETs to: {string.Join(", ", routes)}");
    }

    [GeneratedRegex(@"\{(?<all>\*\*?)?(?<name>\w+)(?<constraint>:[^}?]*)?\??\}")]
    private static partial Regex RouteParameter();

    [Fact]
    public void The_rule_rebuilds_the_Orthanc_target_from_the_matched_segments_and_the_filtered_query()
    {
        var id = "0a1b2c3d-0a1b2c3d-0a1b2c3d-0a1b2c3d-0a1b2c3d";
        ViewerRules.Decide("GET", "/dicom-web/studies?PatientName=A%5EB*&limit=5&foo=bar&_=1", false).OrthancTarget
            .ShouldBe("dicom-web/studies?PatientName=A%5EB*&limit=5");
        ViewerRules.Decide("GET", $"/%69nstances/{id}/preview?quality=80&expand", false).OrthancTarget.ShouldBe($"instances/{id}/preview?quality=80");
        ViewerRules.Decide("GET", "/web-viewer/app/viewer.html?series=x&_method=", false).Refused.ShouldBeTrue();
        ViewerRules.Decide("GET", "/dicom-web/studies?limit=1;DROP", false).Status.ShouldBe(400);
        ViewerRules.Decide("POST", "/dicom-web/studies", true).Route!.ExtraPermission.ShouldBe(Permissions.Import);
        ViewerRules.IsUnderPrefix("/%2577ado/..").ShouldBeTrue();
        ViewerRules.IsUnderPrefix("http://portal.example/dicom-web/../system").ShouldBeTrue();
        ViewerRules.IsUnderPrefix("/content/studies").ShouldBeFalse();
        ViewerRules.Decide("GET", "http://portal.example/dicom-web/studies", false).Refused.ShouldBeTrue();
    }

    private static MultipartContent StowBody(IReadOnlyList<byte[]> files)
    {
        var multipart = new MultipartContent("related", "proxy-stow-boundary");
        multipart.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        foreach (var file in files)
        {
            var part = new ByteArrayContent(file);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            multipart.Add(part);
        }
        return multipart;
    }

    private Task<HttpResponseMessage> SendRawAsync(HttpClient client, ViewerAttackTable.Attack attack) => ViewerAttackTable.SendRawAsync(fixture, client, attack);

    private Task<string> OrthancStateAsync() => ViewerAttackTable.OrthancStateAsync(fixture);

    private int RefusalsOf(string user, ViewerAttackTable.Attack attack)
    {
        var resource = $"{(attack.Method == "X-HTTP-Method-Override" ? "GET" : attack.Method)} {attack.Target}";
        using var scope = fixture.Portal.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<AuditEntry>().AsNoTracking()
            .Count(e => e.Action == ViewerProxy.RefusedAction && e.UserName == user && e.Resource == resource && !e.Success);
    }

    private List<string> AuditResourcesFor(string user)
    {
        using var scope = fixture.Portal.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<AuditEntry>().AsNoTracking()
            .Where(e => e.Action == ViewerProxy.RefusedAction && e.UserName == user).Select(e => e.Resource).ToList();
    }

    private List<string> AuditDetailsFor(string user)
    {
        using var scope = fixture.Portal.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<AuditEntry>().AsNoTracking()
            .Where(e => e.Action == ViewerProxy.RefusedAction && e.UserName == user).Select(e => (e.Details ?? "") + e.Resource).ToList();
    }
}
