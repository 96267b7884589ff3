using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Gdt;

namespace OrthancPortal.Features.Worklists;

public static class WorklistsServiceCollectionExtensions
{
    /// <summary>Modality worklists and, with them, the GDT interface: /worklist/add answers with GDT, and they share settings and webhooks.</summary>
    public static WebApplicationBuilder AddWorklists(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddGdt();
        services.AddScoped<WorklistService>();
        services.AddScoped<WorklistApiKeyService>();
        services.AddHostedService<WorklistCleanupScheduler>();
        services.AddNavItem(new NavItem("Worklist", "worklist", "bi-calendar-check", Permissions.Worklists, 500));
        return builder;
    }
}
