using System.Text.RegularExpressions;
using Microsoft.AspNetCore.StaticFiles;
using OrthancPortal.Features.Access;

namespace OrthancPortal.Features.Viewers;

/// <summary>
/// The OHIF viewer, built into the portal: the files of @ohif/app's dist/ (copied beside the binary by
/// scripts/assets.sh) under <see cref="PathPrefix"/>, for ViewContent (or a share link: <see cref="ViewerAccess"/>), with
/// the portal's own page and config.
/// OHIF reads everything through the portal's checked DICOMweb routes (<see cref="ViewerRules"/>); it needs no
/// Orthanc plugin and reaches no other host.
/// </summary>
public static partial class OhifEndpoints
{
    public const string PathPrefix = "/ohif";

    /// <summary>
    /// OHIF's config. The DICOMweb roots are the portal's proxy; OHIF's own study list is off, so studies are found
    /// (and their permissions checked) on the portal's pages. Orthanc's DICOMweb: no includefield=all on QIDO, no
    /// reject, no upload; WADO-RS frames for images and thumbnails; wildcards yes, fuzzy matching no; BulkDataURIs
    /// as Orthanc writes them (absolute, at the portal thanks to the proxy's Forwarded header).
    /// </summary>
    public const string AppConfig = """
        window.PUBLIC_URL = '/ohif/';
        // The build's index.html defines this for OHIF's dynamic imports; the portal's page has no inline script.
        window.browserImportFunction = function (moduleId) { return import(moduleId); };
        window.config = {
          routerBasename: '/ohif',
          showStudyList: false,
          extensions: [],
          modes: [],
          // No guided tour over the first image a user opens.
          customizationService: { 'ohif.tours': { $set: [] } },
          investigationalUseDialog: { option: 'never' },
          showWarningMessageForCrossOrigin: false,
          showCPUFallbackMessage: true,
          showLoadingIndicator: true,
          strictZSpacingForVolumeViewport: true,
          maxNumberOfWebWorkers: 2,
          maxNumRequests: { interaction: 100, thumbnail: 75, prefetch: 25 },
          showErrorDetails: 'dev',
          defaultDataSourceName: 'portal',
          dataSources: [
            {
              namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
              sourceName: 'portal',
              configuration: {
                friendlyName: 'Orthanc Portal',
                name: 'portal',
                qidoRoot: '/dicom-web',
                wadoRoot: '/dicom-web',
                wadoUriRoot: '/wado',
                qidoSupportsIncludeField: false,
                supportsReject: false,
                dicomUploadEnabled: false,
                imageRendering: 'wadors',
                thumbnailRendering: 'wadors',
                enableStudyLazyLoad: true,
                supportsFuzzyMatching: false,
                supportsWildcard: true,
                staticWado: false,
                singlepart: 'bulkdata,video,pdf',
                omitQuotationForMultipartRequest: true,
                bulkDataURI: { enabled: true, relativeResolution: 'studies' },
              },
            },
          ],
        };
        """;

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static void MapOhif(this WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "ohif");
        var index = new Lazy<string?>(() => IndexPage(root));
        var group = app.MapGroup(PathPrefix).RequireAuthorization(ViewerAccess.Policy).WithMetadata(new ShareReachableAttribute());

        group.MapGet("/app-config.js", () => Results.Text(AppConfig, "text/javascript; charset=utf-8"));
        group.MapGet("/{**path}", async (HttpContext http, string? path) =>
        {
            // "/ohif" alone: OHIF's router and the relative URLs want the trailing slash.
            if (path is null && !http.Request.Path.Value!.EndsWith('/')) return Results.Redirect($"{http.Request.PathBase}{PathPrefix}/");
            var segments = (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (segments.Length > 8 || segments.Any(s => s.Length > 128 || !FileSegment().IsMatch(s))) return Results.NotFound();
            // OHIF's client-side routes (/ohif/viewer, /ohif/viewer/dicomweb, ...) have no file extension: they get the page.
            if (segments.Length == 0 || !segments[^1].Contains('.'))
            {
                // Each page load is one viewer session of a share link (everything after it happens inside the page).
                if (http.User.Identity?.IsAuthenticated != true && http.RequestServices.GetService<IViewerShares>() is { } shares && await shares.CurrentAsync(http) is { } share)
                {
                    var studies = http.Request.Query["StudyInstanceUIDs"].ToString();
                    await shares.AuditAsync(http, share, ViewerProxy.ShareViewAction, "ohif", $"StudyInstanceUIDs {(studies.Length <= 512 ? studies : studies[..512])}");
                }
                return index.Value is { } page ? Results.Content(page, "text/html; charset=utf-8") : Results.NotFound("OHIF is not installed (scripts/assets.sh).");
            }
            var file = Path.Combine([root, .. segments]);
            if (!File.Exists(file) || !ContentTypes.TryGetContentType(file, out var type)) return Results.NotFound();
            return Results.File(file, type, lastModified: File.GetLastWriteTimeUtc(file));
        });
    }

    /// <summary>The build's page without its inline scripts, service worker and absolute paths: the bundle and its stylesheet under /ohif/.</summary>
    private static string? IndexPage(string root)
    {
        var bundle = Directory.Exists(root) ? Directory.GetFiles(root, "app.bundle.*.js").Select(Path.GetFileName).SingleOrDefault() : null;
        if (bundle is null) return null;
        return $"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="UTF-8"/>
            <meta name="viewport" content="width=device-width,initial-scale=1,shrink-to-fit=no,maximum-scale=1,user-scalable=no"/>
            <meta name="theme-color" content="#000000"/>
            <title>OHIF Viewer</title>
            <link rel="icon" type="image/png" sizes="32x32" href="{PathPrefix}/assets/favicon-32x32.png"/>
            <script src="{PathPrefix}/app-config.js"></script>
            <script defer src="{PathPrefix}/{bundle}"></script>
            <link href="{PathPrefix}/app.bundle.css" rel="stylesheet"/>
            </head>
            <body><noscript>You need to enable JavaScript to run this app.</noscript><div id="react-portal"></div><div id="root"></div></body>
            </html>
            """;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")] private static partial Regex FileSegment();
}
