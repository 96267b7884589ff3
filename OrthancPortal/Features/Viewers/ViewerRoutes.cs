using System.Text;
using System.Text.RegularExpressions;
using OrthancPortal.Features.Access;

namespace OrthancPortal.Features.Viewers;

/// <summary>Which HTTP methods a route shape answers. <see cref="Get"/> also takes HEAD.</summary>
public enum ViewerMethod { Get, Post }

/// <summary>Which query parameters a route keeps; every other parameter is dropped before Orthanc sees the request.</summary>
public enum ViewerQuery
{
    /// <summary>No parameters at all (static files, the Web Viewer's JSON, STOW).</summary>
    None,
    /// <summary>QIDO-RS: limit, offset, fuzzymatching, includefield and attribute match keys (keyword or tag).</summary>
    Qido,
    /// <summary>WADO-RS retrieve, metadata, rendered and thumbnail options.</summary>
    Wado,
    /// <summary>WADO-URI (<c>/wado?requestType=WADO&amp;...</c>).</summary>
    WadoUri,
    /// <summary>Orthanc's PNG/JPEG preview.</summary>
    Preview,
}

/// <summary>
/// One route shape a viewer may use, e.g. <c>dicom-web/studies/{uid}/metadata</c>. Placeholders:
/// <c>{uid}</c> a DICOM UID (digits and dots), <c>{id}</c> an Orthanc id (44-char hex-dash), <c>{frames}</c> a
/// DICOMweb frame list (1-based, comma-separated), <c>{n}</c> a 0-based frame number, <c>{image}</c> the Web
/// Viewer's image key (<c>jpeg95-&lt;id&gt;_&lt;frame&gt;</c>), and, only as the last segment, <c>{asset}</c> a static
/// file path and <c>{bulk}</c> a DICOMweb bulk data path (tags and item indexes).
/// </summary>
public sealed record ViewerRoute(ViewerMethod Method, string Pattern, ViewerQuery Query, string? ExtraPermission = null)
{
    internal string[] Segments { get; } = Pattern.Split('/');
}

/// <summary>
/// The viewer proxy's rule. A request reaches Orthanc only if its raw target, decoded segment by segment, matches
/// one line of <see cref="Routes"/>; the Orthanc URL is then rebuilt from the matched, validated segments and the
/// filtered query. To let a viewer use one more Orthanc route, add one line to <see cref="Routes"/>.
/// </summary>
public static partial class ViewerRules
{
    public static readonly IReadOnlyList<ViewerRoute> Routes =
    [
        // DICOMweb QIDO-RS
        new(ViewerMethod.Get, "dicom-web/studies", ViewerQuery.Qido),
        new(ViewerMethod.Get, "dicom-web/series", ViewerQuery.Qido),
        new(ViewerMethod.Get, "dicom-web/instances", ViewerQuery.Qido),
        new(ViewerMethod.Get, "dicom-web/studies/{uid}/series", ViewerQuery.Qido),
        new(ViewerMethod.Get, "dicom-web/studies/{uid}/instances", ViewerQuery.Qido),
        new(ViewerMethod.Get, "dicom-web/studies/{uid}/series/{uid}/instances", ViewerQuery.Qido),
        // DICOMweb WADO-RS
        new(ViewerMethod.Get, "dicom-web/studies/{uid}", ViewerQuery.Wado),
        new(ViewerMethod.Get, "dicom-web/studies/{uid}/metadata", ViewerQuery.Wado),
        new(ViewerMethod.Get, "dicom-web/studies/{uid}/rendered", ViewerQuery.Wado),
        new(ViewerMethod.Get, "dicom-web/studies/{uid}/thumbnail", ViewerQuery.Wado),
        new(ViewerMethod.Get, "dicom-web/studies/{uid}/series/{uid}", ViewerQuery.Wado),
        new(ViewerMethod.Get, "dicom-web/studies/{uid}/series/{uid}/metadata", ViewerQuery.Wado),
        new(ViewerMethod.Get, "dicom-web/studies/{uid}/series/{uid}/rendered", ViewerQuery.Wado),
        new(ViewerMethod.Get, "dicom-web/studies/{uid}/series/{uid}/thumbnail", ViewerQuery.Wado),
        new(ViewerMethod.Get, "dicom-web/studies/{uid}/series/{uid}/instances/{uid}", ViewerQuery.Wado),
        new(ViewerMethod.Get, "dicom-web/studies/{uid}/series/{uid}/instances/{uid}/metadata", ViewerQuery.Wado),
        new(ViewerMethod.Get, "dicom-web/studies/{uid}/series/{uid}/instances/{uid}/rendered", ViewerQuery.Wado),
        new(ViewerMethod.Get, "dicom-web/studies/{uid}/series/{uid}/instances/{uid}/thumbnail", ViewerQuery.Wado),
        new(ViewerMethod.Get, "dicom-web/studies/{uid}/series/{uid}/instances/{uid}/frames/{frames}", ViewerQuery.Wado),
        new(ViewerMethod.Get, "dicom-web/studies/{uid}/series/{uid}/instances/{uid}/frames/{frames}/rendered", ViewerQuery.Wado),
        new(ViewerMethod.Get, "dicom-web/studies/{uid}/series/{uid}/instances/{uid}/frames/{frames}/thumbnail", ViewerQuery.Wado),
        new(ViewerMethod.Get, "dicom-web/studies/{uid}/series/{uid}/instances/{uid}/bulk/{bulk}", ViewerQuery.None),
        // DICOMweb STOW-RS: storing is importing
        new(ViewerMethod.Post, "dicom-web/studies", ViewerQuery.None, Permissions.Import),
        new(ViewerMethod.Post, "dicom-web/studies/{uid}", ViewerQuery.None, Permissions.Import),
        // WADO-URI
        new(ViewerMethod.Get, "wado", ViewerQuery.WadoUri),
        // Orthanc Web Viewer 2.x: its pages and scripts, the series' slice list, and the decoded images
        new(ViewerMethod.Get, "web-viewer/app/{asset}", ViewerQuery.None),
        new(ViewerMethod.Get, "web-viewer/libs/{asset}", ViewerQuery.None),
        new(ViewerMethod.Get, "web-viewer/series/{id}", ViewerQuery.None),
        new(ViewerMethod.Get, "web-viewer/is-stable-series/{id}", ViewerQuery.None),
        new(ViewerMethod.Get, "web-viewer/instances/{image}", ViewerQuery.None),
        // Stone Web Viewer: its static files (it reads the images through dicom-web)
        new(ViewerMethod.Get, "stone-webviewer/{asset}", ViewerQuery.None),
        // Orthanc's previews, shown on the portal's study pages
        new(ViewerMethod.Get, "instances/{id}/preview", ViewerQuery.Preview),
        new(ViewerMethod.Get, "instances/{id}/frames/{n}/preview", ViewerQuery.Preview),
    ];

    /// <summary>The first path segments the proxy answers for; requests under them never reach anything else.</summary>
    public static readonly IReadOnlyList<string> Prefixes = Routes.Select(r => r.Segments[0]).Distinct().ToList();

    /// <summary>What to do with one request: forward <see cref="OrthancTarget"/>, or refuse with a status and a reason.</summary>
    public sealed record Decision(string? OrthancTarget, ViewerRoute? Route, int Status, string? Reason)
    {
        public bool Refused => OrthancTarget is null;
        public static Decision Refuse(int status, string reason) => new(null, null, status, reason);
    }

    /// <param name="method">The HTTP method as received.</param>
    /// <param name="rawTarget">The request target exactly as the client sent it (before any decoding or dot removal).</param>
    /// <param name="hasBody">Whether the request carries a body (a length above zero or a transfer encoding).</param>
    public static Decision Decide(string method, string rawTarget, bool hasBody)
    {
        var isGet = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        if (!isGet && !HttpMethods.IsPost(method)) return Decision.Refuse(StatusCodes.Status403Forbidden, $"method {method} is not a viewer method");
        if (isGet && hasBody) return Decision.Refuse(StatusCodes.Status400BadRequest, "a GET or HEAD with a body");
        if (!rawTarget.StartsWith('/')) return Decision.Refuse(StatusCodes.Status400BadRequest, "not an origin-form request target");

        var queryStart = rawTarget.IndexOf('?');
        var rawPath = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        var rawQuery = queryStart < 0 ? "" : rawTarget[(queryStart + 1)..];
        if (rawPath.Contains('\\')) return Decision.Refuse(StatusCodes.Status400BadRequest, "a backslash in the path");
        // Orthanc reads "_method" on a GET as the real method (GET ?_method=DELETE deletes): never let one through, however encoded.
        if (FullyDecoded(rawQuery).Contains("_method", StringComparison.OrdinalIgnoreCase))
        {
            return Decision.Refuse(StatusCodes.Status400BadRequest, "a _method parameter");
        }

        var segments = new List<string>();
        var trimmed = rawPath.Length > 1 && rawPath.EndsWith('/') ? rawPath[1..^1] : rawPath[1..];
        foreach (var raw in trimmed.Split('/'))
        {
            if (raw.Length == 0) return Decision.Refuse(StatusCodes.Status400BadRequest, "an empty path segment");
            var segment = Uri.UnescapeDataString(raw);
            if (segment.Contains('/') || segment.Contains('\\')) return Decision.Refuse(StatusCodes.Status400BadRequest, "an encoded slash or backslash");
            if (segment.Contains('%')) return Decision.Refuse(StatusCodes.Status400BadRequest, "a double-encoded path");
            if (segment.Trim('.').Length == 0) return Decision.Refuse(StatusCodes.Status400BadRequest, "a dot segment");
            if (segment.Any(char.IsControl)) return Decision.Refuse(StatusCodes.Status400BadRequest, "a control character in the path");
            segments.Add(segment);
        }

        var methodKind = isGet ? ViewerMethod.Get : ViewerMethod.Post;
        var shapeMatched = false;
        foreach (var route in Routes)
        {
            if (!Matches(route, segments)) continue;
            shapeMatched = true;
            if (route.Method != methodKind) continue;
            var query = FilterQuery(route.Query, rawQuery, out var queryError);
            if (queryError is not null) return Decision.Refuse(StatusCodes.Status400BadRequest, queryError);
            // Every segment is either a literal of the table or a value that passed its strict character set.
            return new Decision(string.Join('/', segments) + query, route, StatusCodes.Status200OK, null);
        }
        return shapeMatched
            ? Decision.Refuse(StatusCodes.Status403Forbidden, $"method {method} is not allowed on this viewer route")
            : Decision.Refuse(StatusCodes.Status403Forbidden, "not a viewer route");
    }

    /// <summary>Whether a raw target, however encoded, points under one of the proxy's prefixes.</summary>
    public static bool IsUnderPrefix(string rawTarget)
    {
        // An absolute-form target ("GET http://host/dicom-web/../system") names its path after the authority.
        if (Uri.TryCreate(rawTarget, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            var afterScheme = rawTarget[(absolute.Scheme.Length + 3)..];
            var slash = afterScheme.IndexOf('/');
            rawTarget = slash < 0 ? "/" : afterScheme[slash..];
        }
        var queryStart = rawTarget.IndexOf('?');
        var path = FullyDecoded(queryStart < 0 ? rawTarget : rawTarget[..queryStart]).Replace('\\', '/').TrimStart('/');
        return Prefixes.Any(p => path.Equals(p, StringComparison.OrdinalIgnoreCase)
                                 || path.StartsWith(p + "/", StringComparison.OrdinalIgnoreCase));
    }

    private static string FullyDecoded(string value)
    {
        for (var i = 0; i < 5; i++)
        {
            var next = Uri.UnescapeDataString(value.Replace('+', ' '));
            if (next == value) break;
            value = next;
        }
        return value;
    }

    private static bool Matches(ViewerRoute route, List<string> segments)
    {
        var pattern = route.Segments;
        for (var i = 0; i < pattern.Length; i++)
        {
            var part = pattern[i];
            if (part is "{asset}" or "{bulk}")
            {
                var rest = segments.Skip(i).ToList();
                return rest.Count > 0 && (part == "{asset}" ? IsAsset(rest) : rest.All(s => BulkSegment().IsMatch(s)));
            }
            if (i >= segments.Count) return false;
            var value = segments[i];
            var ok = part switch
            {
                "{uid}" => value.Length <= 64 && Uid().IsMatch(value),
                "{id}" => OrthancId().IsMatch(value),
                "{frames}" => Frames().IsMatch(value),
                "{n}" => FrameIndex().IsMatch(value),
                "{image}" => WebViewerImage().IsMatch(value),
                _ => string.Equals(part, value, StringComparison.Ordinal),
            };
            if (!ok) return false;
        }
        return pattern.Length == segments.Count;
    }

    private static readonly HashSet<string> AssetExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".html", ".js", ".mjs", ".css", ".map", ".json", ".wasm", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico",
        ".woff", ".woff2", ".ttf", ".eot", ".txt",
    };

    private static bool IsAsset(List<string> segments)
        => segments.All(s => s.Length <= 128 && AssetSegment().IsMatch(s)) && AssetExtensions.Contains(Path.GetExtension(segments[^1]));

    /// <summary>
    /// Keeps the parameters the route allows. Orthanc reads query values as they come (it does not percent-decode
    /// them), so a typed value goes on in its decoded, validated form, and a free-text match value only as sent and
    /// only if it holds nothing but URL-safe characters.
    /// </summary>
    private static string FilterQuery(ViewerQuery rule, string rawQuery, out string? error)
    {
        error = null;
        if (rule == ViewerQuery.None || rawQuery.Length == 0) return "";
        var kept = new StringBuilder();
        foreach (var pair in rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var key = equals < 0 ? pair : pair[..equals];
            var rawValue = equals < 0 ? null : pair[(equals + 1)..];
            if (!QueryKey().IsMatch(key)) continue;
            var forward = Keep(rule, key, rawValue, out error);
            if (error is not null) return "";
            if (forward is null) continue;
            kept.Append(kept.Length == 0 ? '?' : '&').Append(key);
            if (forward.Length > 0) kept.Append('=').Append(forward);
        }
        return kept.ToString();
    }

    /// <summary>The value to forward ("" for a bare flag), null to drop the parameter, or an error that refuses the request.</summary>
    private static string? Keep(ViewerQuery rule, string key, string? rawValue, out string? error)
    {
        error = null;
        if (rawValue is { Length: > 1024 }) { error = $"the value of '{key}' is too long"; return null; }
        var value = rawValue is null ? null : Uri.UnescapeDataString(rawValue.Replace('+', ' '));
        Regex? typed = rule switch
        {
            ViewerQuery.Qido => key switch
            {
                "limit" or "offset" => Digits(),
                "fuzzymatching" => TrueFalse(),
                "includefield" => IncludeFields(),
                _ => null,
            },
            ViewerQuery.Wado => key switch
            {
                "quality" => Digits(),
                "viewport" or "window" or "annotation" => PlainList(),
                _ => null,
            },
            ViewerQuery.WadoUri => key switch
            {
                "requestType" => WadoRequestType(),
                "studyUID" or "seriesUID" or "objectUID" or "transferSyntax" => Uid(),
                "contentType" => ContentType(),
                "frameNumber" or "rows" or "columns" or "imageQuality" => Digits(),
                "windowCenter" or "windowWidth" or "region" => PlainList(),
                _ => null,
            },
            ViewerQuery.Preview => key switch
            {
                "quality" => Digits(),
                "returnUnsupportedImage" => TrueFalse(),
                _ => null,
            },
            _ => null,
        };
        if (typed is not null)
        {
            if (value is null && key == "returnUnsupportedImage") return "";
            if (value is not null && typed.IsMatch(value)) return value;
            error = $"an invalid value for '{key}'";
            return null;
        }
        // QIDO match keys: an attribute keyword or tag (path), with a value as the viewer sent it.
        if (rule != ViewerQuery.Qido || !(DicomKeyword().IsMatch(key) || DicomTagPath().IsMatch(key))) return null;
        if (rawValue is null || RawMatchValue().IsMatch(rawValue)) return rawValue ?? "";
        error = $"an invalid value for '{key}'";
        return null;
    }

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)*$")] private static partial Regex Uid();
    [GeneratedRegex(@"^[0-9a-f]{8}(-[0-9a-f]{8}){4}$")] private static partial Regex OrthancId();
    [GeneratedRegex(@"^[1-9][0-9]{0,5}(,[1-9][0-9]{0,5}){0,255}$")] private static partial Regex Frames();
    [GeneratedRegex(@"^[0-9]{1,6}$")] private static partial Regex FrameIndex();
    [GeneratedRegex(@"^(deflate|jpeg[0-9]{1,3})-[0-9a-f]{8}(-[0-9a-f]{8}){4}_[0-9]{1,6}$")] private static partial Regex WebViewerImage();
    [GeneratedRegex(@"^([0-9A-Fa-f]{8}|[0-9]{1,6})$")] private static partial Regex BulkSegment();
    [GeneratedRegex(@"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")] private static partial Regex AssetSegment();
    [GeneratedRegex(@"^[0-9]{1,9}$")] private static partial Regex Digits();
    [GeneratedRegex(@"^(true|false)$")] private static partial Regex TrueFalse();
    [GeneratedRegex(@"^[A-Za-z0-9.,]{1,512}$")] private static partial Regex IncludeFields();
    [GeneratedRegex(@"^[A-Z][A-Za-z0-9]{1,63}$")] private static partial Regex DicomKeyword();
    [GeneratedRegex(@"^[0-9A-Fa-f]{8}(\.[0-9A-Fa-f]{8})*$")] private static partial Regex DicomTagPath();
    [GeneratedRegex(@"^[A-Za-z0-9.,:-]{1,128}$")] private static partial Regex PlainList();
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9._-]{0,63}$")] private static partial Regex QueryKey();
    [GeneratedRegex(@"^[A-Za-z0-9._~*?,:^%+/-]*$")] private static partial Regex RawMatchValue();
    [GeneratedRegex(@"^WADO$")] private static partial Regex WadoRequestType();
    [GeneratedRegex(@"^[a-z]+/[a-z0-9.+-]+$")] private static partial Regex ContentType();
}
