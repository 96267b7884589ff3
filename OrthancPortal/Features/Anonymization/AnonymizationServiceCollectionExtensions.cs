using MudBlazor;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Infrastructure.Files;

namespace OrthancPortal.Features.Anonymization;

public static class AnonymizationServiceCollectionExtensions
{
    public static WebApplicationBuilder AddAnonymization(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<ProfileStore>();
        s.AddScoped<PseudonymService>();
        s.AddScoped<AnonymizationService>();
        s.AddTaskHandler<AnonymizeTaskHandler>();
        s.AddNavItem(new NavItem("Anonymization profiles", "admin/anonymization-profiles", Icons.Material.Filled.VisibilityOff, Permissions.Admin, 930, NavArea.Administration, AdminSection.Data));
        s.AddNavItem(new NavItem("Pseudonyms", "pseudonyms", Icons.Material.Filled.Key, Permissions.ViewPseudonymMap, 931, NavArea.Administration, AdminSection.Data));
        return builder;
    }

    public static WebApplication MapAnonymizationEndpoints(this WebApplication app)
    {
        app.MapGet("/api/pseudonyms/{project}/map.csv", async (string project, PseudonymService pseudonyms, ActorContext actors, TimeProvider clock, CancellationToken ct) =>
        {
            try
            {
                // The request localization middleware set the culture from the user's choice or the browser.
                var csv = await pseudonyms.ExportCsvAsync(project, await actors.GetAsync(), System.Globalization.CultureInfo.CurrentCulture, clock, ct);
                return Results.File(csv, "text/csv; charset=utf-8", $"pseudonyms-{FileNames.Safe(project, "project")}.csv");
            }
            catch (InvalidOperationException ex) { return Results.NotFound(new { Error = ex.Message }); }
        }).RequireAuthorization(Permissions.ViewPseudonymMap);
        return app;
    }
}
