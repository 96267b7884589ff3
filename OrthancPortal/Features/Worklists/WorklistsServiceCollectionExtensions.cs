using MudBlazor;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;

namespace OrthancPortal.Features.Worklists;

public static class WorklistsServiceCollectionExtensions
{
    /// <summary>Modality worklists; /worklist/add answers with GDT, so it needs the Gdt feature (<c>AddGdt</c>) registered too.</summary>
    public static WebApplicationBuilder AddWorklists(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<WorklistService>();
        services.AddScoped<WorklistApiKeyService>();
        services.AddHostedService<WorklistCleanupScheduler>();
        services.AddNavItem(new NavItem("Worklist", "worklist", Icons.Material.Filled.EventNote, Permissions.Worklists, 520));
        // The GDT and worklist settings share one page (Pages/GdtSettingsPage): it edits both, so it lives here, where Gdt is already known.
        services.AddNavItem(new NavItem("GDT and worklists", "admin/gdt", Icons.Material.Filled.SettingsInputComponent, Permissions.Admin, 940, NavArea.Administration, AdminSection.Integrations));
        return builder;
    }
}
