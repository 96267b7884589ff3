using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Baskets;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Tasks;

namespace OrthancPortal.Features.Export;

public static class ExportServiceCollectionExtensions
{
    public static WebApplicationBuilder AddExport(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<DestinationStore>();
        s.AddScoped<RemoteUploader>();
        s.AddScoped<ExportService>();
        s.AddTaskHandler<ExportTaskHandler>();
        s.AddNavItem(new NavItem("Export destinations", "admin/export-destinations", "bi-cloud-upload", Permissions.Admin, 940, "Administration"));
        return builder;
    }

    public static WebApplication MapExportEndpoints(this WebApplication app)
    {
        // Download of the user's Export basket, streamed straight from Orthanc to the browser.
        app.MapGet("/api/export/basket.zip", async (HttpContext http, BasketService baskets, ExportService exporter, AuditLog audit, string? format, string? transcode, CancellationToken ct) =>
        {
            var present = new List<string>();
            foreach (var e in await baskets.ListAsync(BasketService.UserIdOf(http.User)!, BasketKind.Export, ct)) if (!e.Missing) present.Add(e.OrthancId);
            if (present.Count == 0) return Results.BadRequest(new { Error = "The Export basket has nothing Orthanc still holds." });
            var media = string.Equals(format, "dicomdir", StringComparison.OrdinalIgnoreCase) ? ArchiveFormat.Dicomdir : ArchiveFormat.Zip;
            if (transcode is { Length: > 0 } && OrthancClient.TranscodeTargets.All(t => t.Uid != transcode)) return Results.BadRequest(new { Error = $"Unknown transfer syntax '{transcode}'." });
            HttpResponseMessage response;
            try { response = await exporter.OpenArchiveAsync(present, media, transcode is { Length: > 0 } ? transcode : null, ct); }
            catch (OrthancException ex) when (ex.Failure == OrthancFailure.BadRequest) { return Results.BadRequest(new { Error = ex.Message }); }
            http.Response.RegisterForDispose(response);
            await audit.WriteAsync("export.download", $"{present.Count} resources", $"{media}{(transcode is { Length: > 0 } ? $" transcoded to {transcode}" : "")}: {string.Join(", ", present)}", ct: ct);
            var name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(media == ArchiveFormat.Dicomdir ? "dicomdir" : "export")}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.zip");
            return Results.Stream(await response.Content.ReadAsStreamAsync(ct), "application/zip", name);
        }).RequireAuthorization(Permissions.ExportLocal);

        app.MapPost("/api/export/destinations/{id:long}/test", async (long id, ExportService exporter, ActorContext actors, CancellationToken ct) =>
        {
            var reason = await exporter.TestDestinationAsync(id, await actors.GetAsync(), ct);
            return Results.Ok(new { Ok = reason is null, Reason = reason });
        }).RequireAuthorization(Permissions.Admin);
        return app;
    }
}
