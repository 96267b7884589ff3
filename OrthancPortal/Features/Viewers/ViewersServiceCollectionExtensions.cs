using Microsoft.AspNetCore.Authorization;
using MudBlazor;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;

namespace OrthancPortal.Features.Viewers;

public static class ViewersServiceCollectionExtensions
{
    /// <summary>Viewer settings and the proxy viewers reach Orthanc through (mapped by <see cref="ViewerProxy.MapViewerProxy"/>).</summary>
    public static WebApplicationBuilder AddViewers(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthorization(o => o.AddPolicy(ViewerAccess.Policy, p => p.AddRequirements(new ViewerAccess.Requirement())));
        builder.Services.AddSingleton<IAuthorizationHandler, ViewerAccess.Handler>();
        builder.Services.AddSingleton<ViewerStudyResolver>();
        builder.Services.AddNavItem(new NavItem("Viewers", "admin/viewers", Icons.Material.Filled.Visibility, Permissions.Admin, 922, NavArea.Administration, AdminSection.Orthanc));
        return builder;
    }
}
