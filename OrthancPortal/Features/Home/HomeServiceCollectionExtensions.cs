namespace OrthancPortal.Features.Home;

/// <summary>The dashboard (its menu entry is the layout's first, registered by AddPortalUi).</summary>
public static class HomeServiceCollectionExtensions
{
    public static WebApplicationBuilder AddHome(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<DashboardService>();
        return builder;
    }
}
