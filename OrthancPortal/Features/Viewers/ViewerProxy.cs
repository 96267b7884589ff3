using OrthancPortal.Features.Access;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Viewers;

/// <summary>
/// Viewers (Orthanc Web Viewer, OHIF, Stone, Weasis) reach Orthanc's DICOMweb, WADO and viewer routes through
/// the portal, at the same paths Orthanc uses. Every request needs ViewContent (writes through STOW also
/// need Import); Orthanc itself stays on loopback with the portal's credentials. Bodies stream both ways.
/// </summary>
public static class ViewerProxy
{
    private static readonly string[] RequestHeaders = ["Accept", "Accept-Encoding", "Range", "If-None-Match", "If-Modified-Since"];
    private static readonly string[] ResponseHeaders = ["ETag", "Last-Modified", "Cache-Control", "Content-Range", "Accept-Ranges", "Content-Encoding"];

    public static void MapViewerProxy(this WebApplication app)
    {
        var group = app.MapGroup("").RequireAuthorization(Permissions.ViewContent);
        group.MapMethods("/dicom-web/{**rest}", ["GET", "HEAD", "POST"], Forward);
        group.MapMethods("/wado", ["GET", "HEAD"], Forward);
        group.MapMethods("/web-viewer/{**rest}", ["GET", "HEAD"], Forward);
        group.MapMethods("/stone-webviewer/{**rest}", ["GET", "HEAD"], Forward);
        group.MapMethods("/instances/{id}/preview", ["GET", "HEAD"], Forward);
        group.MapMethods("/instances/{id}/frames/{frame:int}/preview", ["GET", "HEAD"], Forward);
    }

    private static async Task Forward(HttpContext http, OrthancClient orthanc)
    {
        var request = http.Request;
        if (HttpMethods.IsPost(request.Method) && !http.User.HasClaim(Permissions.ClaimType, Permissions.Import))
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        var path = request.Path.Value!.TrimStart('/') + request.QueryString.Value;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), path);
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
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
}
