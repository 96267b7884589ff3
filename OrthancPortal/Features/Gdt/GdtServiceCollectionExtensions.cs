using MudBlazor;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Gdt;

public static class GdtServiceCollectionExtensions
{
    /// <summary>GDT files for the doctors' office system: writer, new-study/SR subscriber, outbox, webhooks.</summary>
    public static WebApplicationBuilder AddGdt(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHttpClient(Webhooks.ClientName, http => http.Timeout = Webhooks.Timeout);
        services.AddSingleton<Webhooks>();
        services.AddScoped<GdtService>();
        services.AddScoped<IChangeSubscriber, GdtStudySubscriber>();
        services.AddNavItem(new NavItem("GDT outbox", "gdt", Icons.Material.Filled.Outbox, Permissions.Worklists, 530));
        return builder;
    }
}
