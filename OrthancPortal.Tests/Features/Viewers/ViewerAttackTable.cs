using System.Net.Http.Headers;
using System.Text;

namespace OrthancPortal.Tests.Features.Viewers;

/// <summary>
/// The viewer proxy's hostile-request table and the requests viewers really make, shared by the proxy's tests for
/// signed-in users and the share-link tests (the same table with a share cookie instead of a session).
/// </summary>
public static class ViewerAttackTable
{
    public static readonly string[] Prefixes = ["dicom-web", "wado", "web-viewer", "stone-webviewer", "instances"];

    /// <summary>One hostile request: method, raw target (sent exactly as written), optional body.</summary>
    public sealed record Attack(string Method, string Target, string? Body = null, string? ContentType = null)
    {
        public override string ToString() => $"{Method} {Target}{(Body is null ? "" : " +body")}";
    }

    public static IEnumerable<Attack> Attacks(ViewerProxyFixture f)
    {
        foreach (var p in Prefixes)
        {
            // Walking out of the prefix to Orthanc's own REST API, every way of spelling it.
            yield return new("GET", $"/{p}/..%2Fsystem");
            yield return new("GET", $"/{p}/..%2fpatients");
            yield return new("GET", $"/{p}/%2e%2e%2fchanges");
            yield return new("GET", $"/{p}/..%252Fsystem");
            yield return new("GET", $"/{p}/..%5Csystem");
            yield return new("GET", $"/{p}/..%255Csystem");
            yield return new("GET", $"/{p}/../system");
            yield return new("GET", $"/{p}/%2e%2e/system");
            yield return new("GET", $"/{p}/./studies");
            yield return new("GET", $"/{p}/x/../../modalities");
            yield return new("GET", $"/{p}/..\\system");
            yield return new("GET", $"/{p}//system");
            yield return new("GET", $"/{p}/system");
            yield return new("HEAD", $"/{p}/..%2Fsystem");
            // The changes themselves: delete, protect, register a modality, search through tools/find.
            yield return new("GET", $"/{p}/..%2Fstudies%2F{f.StudyId}?_method=DELETE");
            yield return new("GET", $"/{p}/..%2Fpatients%2F{f.PatientId}%2Fprotected?_method=PUT", "1");
            yield return new("GET", $"/{p}/..%2Fmodalities%2Fevil?_method=PUT", """["EVIL","127.0.0.1",104]""", "application/json");
            yield return new("POST", $"/{p}/..%2Ftools%2Ffind", """{"Level":"Patient","Query":{}}""", "application/json");
            yield return new("POST", $"/{p}/..%2F..%2Ftools%2Ffind", """{"Level":"Patient","Query":{}}""", "application/json");
            foreach (var method in new[] { "PUT", "DELETE", "PATCH", "OPTIONS" })
            {
                yield return new(method, $"/{p}/..%2Fstudies%2F{f.StudyId}");
            }
        }

        // _method on every viewer route shape, in any case and place, and encoded.
        var legit = LegitimateGets(f).Select(g => g.Target).ToList();
        foreach (var (target, i) in legit.Select((t, i) => (t, i)))
        {
            var method = new[] { "_method=DELETE", "_METHOD=delete", "%5Fmethod=DELETE", "%255Fmethod=PUT", "_Method=POST" }[i % 5];
            yield return new("GET", target + (target.Contains('?') ? "&" : "?") + method);
            // A body on a GET or HEAD (Orthanc would read it as the PUT body under _method).
            yield return new(i % 2 == 0 ? "GET" : "HEAD", target, "1", "text/plain");
        }
        yield return new("GET", $"/dicom-web/studies?limit=1&_method=DELETE&offset=0");
        yield return new("GET", $"/dicom-web/studies?PatientName=*&x=%5f%6d%65%74%68%6f%64");

        // Unexpected methods on real viewer routes.
        foreach (var method in new[] { "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND" })
        {
            yield return new(method, $"/dicom-web/studies/{f.Study.StudyUid}");
            yield return new(method, $"/instances/{f.InstanceId}/preview");
            yield return new(method, $"/web-viewer/series/{f.SeriesId}");
        }
        yield return new("POST", $"/instances/{f.InstanceId}/preview", "x", "text/plain");
        yield return new("POST", $"/web-viewer/app/viewer.html", "x", "text/plain");
        yield return new("POST", $"/wado?requestType=WADO", "x", "text/plain");

        // Route shapes that are not a viewer's: DICOMweb's own client (it sends to other servers), Orthanc's file and archive routes.
        yield return new("GET", "/dicom-web/servers");
        yield return new("POST", "/dicom-web/servers/remote/stow", """{"Resources":[]}""", "application/json");
        yield return new("GET", $"/instances/{f.InstanceId}/file");
        yield return new("GET", $"/instances/{f.InstanceId}");
        yield return new("GET", $"/instances/{f.InstanceId}/preview/..%2F..%2F..%2Fsystem");
        yield return new("GET", $"/instances/{f.InstanceId.ToUpperInvariant()}/preview");
        yield return new("GET", $"/instances/{f.InstanceId}x/preview");
        yield return new("GET", $"/dicom-web/studies/{f.Study.StudyUid}a/metadata");
        yield return new("GET", $"/dicom-web/studies/{f.Study.StudyUid}/series/{f.SeriesUid}/instances/{f.SopUid}/frames/0");
        yield return new("GET", "/web-viewer/app/..%2F..%2Fsystem");
        yield return new("GET", "/web-viewer/app/.hidden.js");
        yield return new("GET", "/stone-webviewer/index.exe");
        yield return new("GET", "/wado?requestType=WADO&studyUID=1.2;DROP&objectUID=1.2");
        yield return new("GET", "/wado?requestType=STOW&objectUID=1.2");
        yield return new("GET", "/DICOM-WEB/..%2Fsystem");
        yield return new("GET", "/%64icom-web/../system");
        yield return new("X-HTTP-Method-Override", $"/dicom-web/studies");
    }

    /// <summary>What the Web Viewer, OHIF/Stone (DICOMweb) and the portal's own pages ask for, with (part of) the media type of the answer.</summary>
    public static IEnumerable<(string Target, string MediaType)> LegitimateGets(ViewerProxyFixture f)
    {
        var instance = $"/dicom-web/studies/{f.Study.StudyUid}/series/{f.SeriesUid}/instances/{f.SopUid}";
        yield return ($"/dicom-web/studies?StudyInstanceUID={f.Study.StudyUid}&includefield=00081030&limit=10", "json");
        yield return ($"/dicom-web/studies?PatientName=Proxy*&fuzzymatching=false", "json");
        yield return ($"/dicom-web/studies/{f.Study.StudyUid}/series", "json");
        yield return ($"/dicom-web/studies/{f.Study.StudyUid}/series/{f.SeriesUid}/instances", "json");
        yield return ($"/dicom-web/studies/{f.Study.StudyUid}/metadata", "json");
        yield return ($"{instance}/metadata", "json");
        yield return ($"{instance}/frames/1", "multipart/related");
        yield return ($"{instance}/rendered", "image/");
        yield return ($"/wado?requestType=WADO&studyUID={f.Study.StudyUid}&seriesUID={f.SeriesUid}&objectUID={f.SopUid}&contentType=application%2Fdicom", "application/dicom");
        yield return ($"/wado?requestType=WADO&objectUID={f.SopUid}&contentType=image/png", "image/png");
        yield return ("/web-viewer/app/viewer.html?series=" + f.SeriesId, "text/html");
        yield return ("/web-viewer/app/viewer.js", "javascript");
        yield return ("/web-viewer/libs/jquery.js", "javascript");
        yield return ($"/web-viewer/series/{f.SeriesId}?_=1700000000000", "json");
        yield return ($"/web-viewer/is-stable-series/{f.SeriesId}?_=1700000000001", "json");
        yield return ($"/web-viewer/instances/jpeg95-{f.InstanceId}_0", "json");
        yield return ($"/instances/{f.InstanceId}/preview", "image/png");
        yield return ($"/instances/{f.InstanceId}/frames/0/preview?quality=90", "image/png");
    }

    /// <summary>
    /// Sends the target exactly as written: HttpClient would otherwise remove dot segments and unescape before
    /// sending. The audit entry's raw target shows what reached Kestrel.
    /// </summary>
    public static async Task<HttpResponseMessage> SendRawAsync(ViewerProxyFixture fixture, HttpClient client, Attack attack, string? cookie = null)
    {
        var uri = new Uri(fixture.Portal.Url.GetLeftPart(UriPartial.Authority) + attack.Target,
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        var isOverride = attack.Method == "X-HTTP-Method-Override";
        var request = new HttpRequestMessage(isOverride ? HttpMethod.Get : new HttpMethod(attack.Method), uri);
        if (isOverride) request.Headers.Add("X-HTTP-Method-Override", "DELETE");
        // A share visitor's cookie, sent on every target (a browser would send it only on its paths).
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        if (attack.Body is not null)
        {
            request.Content = new StringContent(attack.Body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(attack.ContentType ?? "text/plain");
        }
        return await client.SendAsync(request);
    }

    /// <summary>Orthanc's own view, straight from the Orthanc process: last change, modalities, studies, the patient's protection.</summary>
    public static async Task<string> OrthancStateAsync(ViewerProxyFixture fixture)
    {
        var o = fixture.Local;
        var last = (await o.GetJsonAsync("changes?last"))["Last"]!.GetValue<long>();
        var modalities = (await o.GetJsonAsync("modalities?expand")).ToJsonString();
        var studies = (await o.GetJsonAsync("studies")).AsArray().Select(s => s!.GetValue<string>()).Order();
        var protectedFlag = await o.Http.GetStringAsync($"patients/{fixture.PatientId}/protected");
        return $"changes {last}; modalities {modalities}; studies {string.Join(",", studies)}; protected {protectedFlag}";
    }
}
