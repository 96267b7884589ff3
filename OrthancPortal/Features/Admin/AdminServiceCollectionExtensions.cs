using MudBlazor;
using Microsoft.AspNetCore.Mvc;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;

namespace OrthancPortal.Features.Admin;

public static class AdminServiceCollectionExtensions
{
    public static WebApplicationBuilder AddAdmin(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<OrthancJobMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<OrthancJobMonitor>());
        services.AddScoped<OrthancJobService>();
        services.AddScoped<SystemInfoService>();
        services.AddScoped<AuditQueryService>();
        services.AddNavItem(new NavItem("Overview", "admin", Icons.Material.Filled.GridView, Permissions.Admin, 899, NavArea.Administration));
        services.AddNavItem(new NavItem("Orthanc jobs", "admin/jobs", Icons.Material.Filled.WorkHistory, Permissions.Admin, 923, NavArea.Administration, AdminSection.Orthanc));
        services.AddNavItem(new NavItem("System and storage", "admin/system", Icons.Material.Filled.Storage, Permissions.Admin, 961, NavArea.Administration, AdminSection.System));
        services.AddNavItem(new NavItem("Plugins", "admin/plugins", Icons.Material.Filled.Extension, Permissions.Admin, 924, NavArea.Administration, AdminSection.Orthanc));
        services.AddNavItem(new NavItem("Audit log", "admin/audit", Icons.Material.Filled.History, Permissions.Admin, 962, NavArea.Administration, AdminSection.System));
        return builder;
    }

    public static WebApplication MapAdminEndpoints(this WebApplication app)
    {
        // Read-only: the audit log has no edit or delete route anywhere.
        app.MapGet("/api/admin/audit.csv", async (HttpContext http, AuditQueryService audit, AuditLog log,
                [FromQuery] string? user, [FromQuery] string? action, [FromQuery] string? resource, [FromQuery] DateOnly? from, [FromQuery] DateOnly? to) =>
            {
                var filter = new AuditFilter(user, action, resource, from, to);
                var validation = new AuditFilter.Validator().Validate(filter);
                if (!validation.IsValid) return Results.ValidationProblem(validation.ToDictionary());
                await log.WriteAsync("audit.export", "audit-log", $"user={user} action={action} resource={resource} from={from} to={to}", ct: http.RequestAborted);
                http.Response.ContentType = "text/csv; charset=utf-8";
                http.Response.Headers.ContentDisposition = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"attachment; filename=\"audit-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv\"");
                // The request localization middleware set the culture from the user's choice or the browser.
                await audit.WriteCsvAsync(filter, http.Response.Body, System.Globalization.CultureInfo.CurrentCulture, http.RequestAborted);
                return Results.Empty;
            })
            .RequireAuthorization(Permissions.Admin);
        app.MapGet("/api/admin/orthanc/jobs", async (OrthancJobMonitor monitor, CancellationToken ct) => Results.Ok((await monitor.ReadOnceAsync(ct)).Jobs))
            .RequireAuthorization(Permissions.Admin);
        return app;
    }
}
