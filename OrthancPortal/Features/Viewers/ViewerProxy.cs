using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Labels;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Viewers;

/// <summary>
/// Viewers (Orthanc Web Viewer, OHIF, Stone, Weasis) reach Orthanc's DICOMweb, WADO and viewer routes through
/// the portal, at the same paths Orthanc uses. Every request needs ViewContent (or, with nobody signed in, a share
/// link's cookie: <see cref="ViewerAccess"/>) and must pass <see cref="ViewerRules"/>: the proxy forwards only the
/// rebuilt, matched route, never the client's path. A share's requests must also pass <see cref="ViewerShareCheck"/>.
/// Refusals are audited. Orthanc itself
/// stays on loopback with the portal's credentials. Bodies stream both ways.
/// </summary>
public static class ViewerProxy
{
    public const string RefusedAction = "proxy.refused";

    /// <summary>Audited when a share link opens a viewer (the OHIF page, the Web Viewer's page).</summary>
    public const string ShareViewAction = "share.view";

    private const string WebViewerPage = "web-viewer/app/viewer.html";

    private static readonly string[] RequestHeaders = ["Accept", "Accept-Encoding", "Range", "If-None-Match", "If-Modified-Since"];
    private static readonly string[] ResponseHeaders = ["ETag", "Last-Modified", "Cache-Control", "Content-Range", "Accept-Ranges", "Content-Encoding"];

    /// <summary>Marks the proxy's endpoints, so the guard below knows a request is already in the proxy's hands.</summary>
    private sealed class ProxyEndpoint;

    public static void MapViewerProxy(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (await RefuseEscapedTargetAsync(http)) return;
            await next(http);
        });

        var group = app.MapGroup("").RequireAuthorization(ViewerAccess.Policy).WithMetadata(new ProxyEndpoint(), new ShareReachableAttribute());
        foreach (var prefix in ViewerRules.Prefixes)
        {
            // Every method, so that a PUT or DELETE is refused and audited by the rule instead of a bare 405.
            group.Map($"/{prefix}", Forward);
            group.Map($"/{prefix}/{{**rest}}", Forward);
        }
    }

    /// <summary>
    /// Kestrel removes dot segments before routing: "/dicom-web/../system" arrives as "/system" and would never meet
    /// the proxy. The raw target still says where the client aimed; such a request is refused (and audited) here.
    /// Error and status pages re-run the pipeline with the original raw target: those are left alone. Also called by
    /// the share-cookie guard, which runs before authorization.
    /// </summary>
    public static async Task<bool> RefuseEscapedTargetAsync(HttpContext http)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        if (http.GetEndpoint()?.Metadata.GetMetadata<ProxyEndpoint>() is not null
            || http.Features.Get<IStatusCodeReExecuteFeature>() is not null
            || http.Features.Get<IExceptionHandlerFeature>() is not null
            || !ViewerRules.IsUnderPrefix(raw))
        {
            return false;
        }
        await RefuseAsync(http, ViewerRules.Decision.Refuse(StatusCodes.Status400BadRequest, "a path that leaves the viewer routes"), raw);
        return true;
    }

    private static async Task Forward(HttpContext http, OrthancClient orthanc, IAuthorizationService authorization, StudyAccess access, ViewerStudyResolver resolver)
    {
        var request = http.Request;
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        var decision = ViewerRules.Decide(request.Method, raw, hasBody);
        if (!decision.Refused && request.Headers.ContainsKey("X-HTTP-Method-Override"))
        {
            decision = ViewerRules.Decision.Refuse(StatusCodes.Status400BadRequest, "an X-HTTP-Method-Override header");
        }
        // Nobody signed in: the policy let the request in on its share cookie, and the share bounds it.
        var share = http.User.Identity?.IsAuthenticated == true ? null : await http.RequestServices.GetRequiredService<IViewerShares>().CurrentAsync(http);
        if (!decision.Refused && share is not null)
        {
            decision = await ViewerShareCheck.CheckAsync(decision, share, resolver, orthanc, http.RequestAborted);
        }
        else if (!decision.Refused && decision.Route!.ExtraPermission is { } permission && !(await authorization.AuthorizeAsync(http.User, permission)).Succeeded)
        {
            decision = ViewerRules.Decision.Refuse(StatusCodes.Status403Forbidden, $"the {permission} permission is missing");
        }
        if (!decision.Refused && LabelLimit.Of(http.User) is not null) decision = await ViewerLabelCheck.CheckAsync(http, decision, access);
        if (decision.Refused)
        {
            await RefuseAsync(http, decision, raw);
            return;
        }
        // A share's viewer session starts with the Web Viewer's page (its tiles are not audited one by one).
        if (share is not null && decision.OrthancTarget!.StartsWith(WebViewerPage, StringComparison.Ordinal))
        {
            await http.RequestServices.GetRequiredService<IViewerShares>().AuditAsync(http, share, ShareViewAction, "web-viewer", $"series {Shorten(http.Request.Query["series"].ToString())}");
        }

        // Orthanc answers HEAD with 404 on its REST routes: ask with GET and send back only the headers.
        var method = HttpMethods.IsHead(request.Method) ? HttpMethod.Get : new HttpMethod(request.Method);
        using var message = new HttpRequestMessage(method, decision.OrthancTarget);
        if (HttpMethods.IsPost(request.Method))
        {
            message.Content = new StreamContent(request.Body, 81920);
            if (request.ContentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            if (request.ContentLength is { } length) message.Content.Headers.ContentLength = length;
        }
        foreach (var name in RequestHeaders)
        {
            if (request.Headers.TryGetValue(name, out var values)) message.Headers.TryAddWithoutValidation(name, values.ToArray());
        }
        // DICOMweb answers hold absolute URLs; this makes them point at the portal, not at Orthanc's loopback port.
        message.Headers.TryAddWithoutValidation("Forwarded", $"proto={request.Scheme};host={request.Host}");

        HttpResponseMessage response;
        try
        {
            response = await orthanc.SendAsync(message, http.RequestAborted, HttpCompletionOption.ResponseHeadersRead, throwOnError: false);
        }
        catch (OrthancException ex)
        {
            http.Response.StatusCode = StatusCodes.Status502BadGateway;
            await http.Response.WriteAsync(ex.Message, http.RequestAborted);
            return;
        }
        using (response)
        {
            http.Response.StatusCode = (int)response.StatusCode;
            foreach (var name in ResponseHeaders)
            {
                if (response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values))
                {
                    http.Response.Headers[name] = values.ToArray();
                }
            }
            if (response.Content.Headers.ContentType is { } type) http.Response.ContentType = type.ToString();
            if (response.Content.Headers.ContentLength is { } length) http.Response.ContentLength = length;
            if (HttpMethods.IsHead(request.Method)) return;
            await using var body = await response.Content.ReadAsStreamAsync(http.RequestAborted);
            await body.CopyToAsync(http.Response.Body, 81920, http.RequestAborted);
        }
    }

    private static string Shorten(string value) => value.Length <= 64 ? value : value[..64];

    /// <summary>Answers the refusal and audits it under the signed-in user or the share: method and raw target, never the body.</summary>
    private static async Task RefuseAsync(HttpContext http, ViewerRules.Decision decision, string rawTarget)
    {
        if (http.User.Identity?.IsAuthenticated == true)
        {
            var audit = http.RequestServices.GetRequiredService<AuditLog>();
            await audit.WriteAsync(RefusedAction, $"{http.Request.Method} {rawTarget}", decision.Reason, success: false, ct: http.RequestAborted);
        }
        else if (http.RequestServices.GetService<IViewerShares>() is { } shares && await shares.CurrentAsync(http) is { } share)
        {
            await shares.AuditAsync(http, share, RefusedAction, $"{http.Request.Method} {rawTarget}", decision.Reason, success: false);
        }
        http.Response.StatusCode = decision.Status;
        // A body of its own keeps the status-page middleware from re-running the request.
        await http.Response.WriteAsync($"Refused by the viewer proxy: {decision.Reason}.", http.RequestAborted);
    }
}
