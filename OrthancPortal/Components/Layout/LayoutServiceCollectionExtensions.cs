using MudBlazor;
using MudBlazor.Services;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Components.Layout;

/// <summary>The UI's shared services: MudBlazor, the languages, the one formatter, and the dashboard's menu entry.</summary>
public static class LayoutServiceCollectionExtensions
{
    public static WebApplicationBuilder AddPortalUi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            options.SnackbarConfiguration.PreventDuplicates = false;
            options.SnackbarConfiguration.VisibleStateDuration = 6000;
            options.SnackbarConfiguration.ShowCloseIcon = true;
            // MudBlazor draws snackbars 95 % opaque: white text on a see-through success green then fails axe's
            // contrast rule. Opaque, PortalTheme's colours pass (see PortalTheme.Success).
            options.SnackbarConfiguration.MaximumOpacity = 100;
        });
        services.AddPortalLocalization(builder.Configuration[$"{Infrastructure.PortalOptions.Section}:{nameof(Infrastructure.PortalOptions.Language)}"]);
        // MudBlazor's own texts (pager, filter menus, pickers) in German; English stays MudBlazor's built-in.
        services.AddTransient<MudLocalizer, PortalMudLocalizer>();
        services.AddNavItem(new NavItem("Dashboard", "", Icons.Material.Filled.Dashboard, null, 0));
        return builder;
    }
}
