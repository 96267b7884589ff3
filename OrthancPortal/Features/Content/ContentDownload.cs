using System.Text;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Labels;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Files;

namespace OrthancPortal.Features.Content;

/// <summary>
/// Zip or DICOMDIR downloads, optionally transcoded. Orthanc writes the archive and the portal copies it to
/// the browser in small buffers as it arrives: a study of many GB never sits in the portal's memory.
/// </summary>
public static class ContentDownload
{
    public static async Task<IResult> HandleAsync(HttpContext http, string level, string id, string? format, string? transcode,
        OrthancClient orthanc, AuditLog audit, StudyAccess access, CancellationToken ct)
    {
        var resourceLevel = level switch
        {
            "patients" => ResourceLevel.Patient,
            "studies" => ResourceLevel.Study,
            "series" => ResourceLevel.Series,
            _ => (ResourceLevel?)null,
        };
        if (resourceLevel is null) return Results.Problem($"'{level}' cannot be downloaded; use patients, studies or series.", statusCode: 400);
        if (!IsOrthancId(id)) return Results.Problem($"'{id}' is not an Orthanc resource id.", statusCode: 400);
        var media = format switch { null or "" or "zip" => false, "dicomdir" => true, _ => (bool?)null };
        if (media is null) return Results.Problem("The format is 'zip' or 'dicomdir'.", statusCode: 400);
        if (!string.IsNullOrEmpty(transcode) && OrthancClient.TranscodeTargets.All(t => t.Uid != transcode))
        {
            return Results.Problem($"'{transcode}' is not a transfer syntax this portal offers.", statusCode: 400);
        }

        // A label-limited role downloads only what it may see, and a patient only when every study of it is visible.
        if (await access.DenialAsync(http.User, resourceLevel.Value, id, everyStudy: true, ct) is { } denial)
        {
            await audit.WriteAsync("content.download", $"{level}/{id}", denial, success: false, ct: ct);
            return Results.Problem(denial, statusCode: 403);
        }

        string name;
        try { name = await FileNameAsync(orthanc, resourceLevel.Value, id, ct); }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound)
        {
            return Results.Problem("This resource is no longer in Orthanc (it may have been deleted meanwhile).", statusCode: 404);
        }

        if (!string.IsNullOrEmpty(transcode))
        {
            try { await orthanc.EnsureTranscodableAsync([id], transcode, ct); }
            catch (OrthancException ex) when (ex.Failure == OrthancFailure.BadRequest) { return Results.Problem(ex.Message, statusCode: 400); }
        }
        var path = $"{level}/{id}/{(media.Value ? "media" : "archive")}{(string.IsNullOrEmpty(transcode) ? "" : $"?transcode={transcode}")}";
        var response = await orthanc.GetStreamingAsync(path, ct);
        http.Response.RegisterForDispose(response);
        await audit.WriteAsync("content.download", $"{level}/{id}", $"{(media.Value ? "DICOMDIR" : "zip")}{(string.IsNullOrEmpty(transcode) ? "" : $", transcoded to {transcode}")}", ct: ct);
        return new StreamedFile(response, $"{name}{(media.Value ? "-dicomdir" : "")}.zip");
    }

    private static bool IsOrthancId(string id)
    {
        try { OrthancClient.Id(id); return true; }
        catch (OrthancException) { return false; }
    }

    private static async Task<string> FileNameAsync(OrthancClient orthanc, ResourceLevel level, string id, CancellationToken ct)
    {
        var raw = level switch
        {
            ResourceLevel.Patient => (await orthanc.GetPatientAsync(id, ct)).Tag("PatientID"),
            ResourceLevel.Study => await StudyNameAsync(orthanc, id, ct),
            _ => $"series-{(await orthanc.GetSeriesAsync(id, ct)).Tag("SeriesNumber")}",
        };
        return FileNames.Safe(raw, level.ToString().ToLowerInvariant());
    }

    private static async Task<string> StudyNameAsync(OrthancClient orthanc, string id, CancellationToken ct)
    {
        var s = await orthanc.GetStudyAsync(id, ct);
        return $"{s.Tag("PatientID")}-{s.Tag("StudyDate")}-{s.Tag("AccessionNumber")}".Trim('-');
    }

    /// <summary>Copies Orthanc's answer to the browser as it comes, keeping the length when Orthanc gave one.</summary>
    private sealed class StreamedFile(HttpResponseMessage source, string fileName) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.ContentType = "application/zip";
            http.Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = fileName }.ToString();
            if (source.Content.Headers.ContentLength is { } length) http.Response.ContentLength = length;
            await using var body = await source.Content.ReadAsStreamAsync(http.RequestAborted);
            await body.CopyToAsync(http.Response.Body, 81920, http.RequestAborted);
        }
    }
}
