using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Labels;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Files;

namespace OrthancPortal.Features.Documents;

/// <summary>
/// GET /api/instances/{id}/pdf (ViewContent): the original PDF of an Encapsulated PDF instance (Orthanc's
/// /instances/{id}/pdf, the EncapsulatedDocument byte for byte), shown inline by the browser and saved under the
/// series description's name. It is what a viewer shows of the letter anyway (OHIF reads the same bytes through
/// DICOMweb), so it needs the viewing permission, not ExportLocal. A label-limited role gets only its studies' PDFs;
/// every open is audited as <c>content.download</c>.
/// </summary>
public static class DocumentPdf
{
    public const string Route = "/api/instances/{id}/pdf";

    /// <summary>The link for an instance (relative to the base href, as the pages write links).</summary>
    public static string Link(string instanceId) => $"api/instances/{instanceId}/pdf";

    public static async Task<IResult> HandleAsync(string id, HttpContext http, OrthancClient orthanc, StudyAccess access, AuditLog audit, CancellationToken ct)
    {
        try { OrthancClient.Id(id); }
        catch (OrthancException) { return Results.Problem($"'{id}' is not an Orthanc instance id.", statusCode: 400); }
        var resource = $"instances/{id}";
        if (await access.DenialAsync(http.User, ResourceLevel.Instance, id, everyStudy: true, ct) is { } denial)
        {
            await audit.WriteAsync("content.download", resource, denial, success: false, ct: ct);
            return Results.Problem(denial, statusCode: 403);
        }

        string name;
        HttpResponseMessage pdf;
        try
        {
            var instance = await orthanc.GetInstanceAsync(id, ct);
            var series = await orthanc.GetSeriesAsync(instance.ParentSeries, ct);
            name = FileNames.Safe(series.Tag("SeriesDescription"), "document");
            pdf = await orthanc.GetPdfAsync(id, ct);
        }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound)
        {
            return Results.Problem("This document is no longer in Orthanc (it may have been deleted meanwhile).", statusCode: 404);
        }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.BadRequest)
        {
            return Results.Problem("This instance holds no PDF document.", statusCode: 404);
        }
        http.Response.RegisterForDispose(pdf);
        await audit.WriteAsync("content.download", resource, "the encapsulated PDF", ct: ct);
        return new PdfFile(pdf, $"{name}.pdf");
    }

    private sealed class PdfFile(HttpResponseMessage source, string fileName) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.ContentType = "application/pdf";
            http.Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = fileName, Inline = true }.ToString();
            if (source.Content.Headers.ContentLength is { } length) http.Response.ContentLength = length;
            await using var body = await source.Content.ReadAsStreamAsync(http.RequestAborted);
            await body.CopyToAsync(http.Response.Body, 81920, http.RequestAborted);
        }
    }
}
