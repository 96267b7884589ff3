using MudBlazor;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;

namespace OrthancPortal.Features.Modalities;

public static class ModalitiesServiceCollectionExtensions
{
    public static WebApplicationBuilder AddModalities(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ModalityAdminService>();
        builder.Services.AddNavItem(new NavItem("Modalities & peers", "admin/modalities", Icons.Material.Filled.Lan, Permissions.Admin, 921, NavArea.Administration, AdminSection.Orthanc));
        return builder;
    }
}
