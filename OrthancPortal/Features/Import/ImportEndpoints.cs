using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using OrthancPortal.Features.Access;

namespace OrthancPortal.Features.Import;

public static class ImportEndpoints
{
    public const string FileNameHeader = "X-File-Name";
    /// <summary>What the UI kit's DropZone sends.</summary>
    public const string RelativePathHeader = "X-Relative-Path";

    /// <summary>
    /// POST /api/import/file: the raw file as the body, its (URL-encoded) relative path in X-Relative-Path or X-File-Name. The body streams
    /// on to Orthanc. The custom header also keeps other sites from posting here (it forces a CORS preflight).
    /// </summary>
    public static void MapImportEndpoints(this WebApplication app)
    {
        app.MapPost("/api/import/file", async (HttpContext http, ImportService import, IOptions<ImportOptions> options, CancellationToken ct) =>
        {
            var header = http.Request.Headers[RelativePathHeader].ToString();
            if (string.IsNullOrWhiteSpace(header)) header = http.Request.Headers[FileNameHeader].ToString();
            if (string.IsNullOrWhiteSpace(header))
            {
                return Results.Problem($"The {FileNameHeader} (or {RelativePathHeader}) header names the file.", statusCode: 400);
            }
            var name = DisplayName(Uri.UnescapeDataString(header));
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = Math.Max(options.Value.MaxFileBytes, options.Value.MaxZipBytes) + 1;
            }
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            var timings = new ImportTimings();
            var results = await import.ImportAsync(name, http.Request.Body, http.Request.ContentLength, ct, timings);
            http.Response.Headers[ImportTimings.Header] = timings.Format(System.Diagnostics.Stopwatch.GetElapsedTime(start));
            return Results.Ok(results);
        }).RequireAuthorization(Permissions.Import);
    }

    /// <summary>The name as shown in the result table and the audit log: printable, not too long.</summary>
    public static string DisplayName(string name)
    {
        var clean = new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (clean.Length == 0) return "(unnamed)";
        return clean.Length <= 260 ? clean : "…" + clean[^259..];
    }
}
