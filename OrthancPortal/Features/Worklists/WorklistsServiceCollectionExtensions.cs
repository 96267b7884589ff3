using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Gdt;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Worklists;

public static class WorklistsServiceCollectionExtensions
{
    /// <summary>Modality worklists and the GDT interface to the doctors' office system (they share settings pages and webhooks).</summary>
    public static WebApplicationBuilder AddWorklists(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHttpClient(Webhooks.ClientName, http => http.Timeout = Webhooks.Timeout);
        services.AddSingleton<Webhooks>();
        services.AddScoped<GdtService>();
        services.AddScoped<IChangeSubscriber, GdtStudySubscriber>();
        services.AddScoped<WorklistService>();
        services.AddScoped<WorklistApiKeyService>();
        services.AddHostedService<WorklistCleanupScheduler>();
        services.AddNavItem(new NavItem("Worklist", "worklist", "bi-calendar-check", Permissions.Worklists, 500));
        services.AddNavItem(new NavItem("GDT outbox", "gdt", "bi-send", Permissions.Worklists, 510));
        services.AddNavItem(new NavItem("GDT and worklists", "admin/gdt", "bi-sliders", Permissions.Admin, 940, "Administration"));
        return builder;
    }
}
