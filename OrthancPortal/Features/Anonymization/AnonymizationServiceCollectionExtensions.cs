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
        app.MapGet("/api/pseudonyms/{project}/map.csv", async (string project, PseudonymService pseudonyms, ActorContext actors, CancellationToken ct) =>
        {
            try
            {
                var csv = await pseudonyms.ExportCsvAsync(project, await actors.GetAsync(), ct);
                return Results.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv", $"pseudonyms-{FileNames.Safe(project, "project")}.csv");
            }
            catch (InvalidOperationException ex) { return Results.NotFound(new { Error = ex.Message }); }
        }).RequireAuthorization(Permissions.ViewPseudonymMap);
        return app;
    }
}
