using MudBlazor;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
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
        s.AddNavItem(new NavItem("Export destinations", "admin/export-destinations", Icons.Material.Filled.DriveFileMove, Permissions.Admin, 932, NavArea.Administration, AdminSection.Data));
        return builder;
    }

    public static WebApplication MapExportEndpoints(this WebApplication app)
    {
        app.MapPost("/api/export/destinations/{id:long}/test", async (long id, ExportService exporter, ActorContext actors, CancellationToken ct) =>
        {
            var reason = await exporter.TestDestinationAsync(id, await actors.GetAsync(), ct);
            return Results.Ok(new { Ok = reason is null, Reason = reason });
        }).RequireAuthorization(Permissions.Admin);
        return app;
    }
}
