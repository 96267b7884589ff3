using MudBlazor;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;

namespace OrthancPortal.Features.Orthanc;

public static class OrthancServiceCollectionExtensions
{
    public static WebApplicationBuilder AddOrthanc(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<OrthancInstallation>().BindConfiguration(OrthancInstallation.Section);
        services.AddSingleton<ManagedOrthancState>();
        services.AddSingleton<ManagedOrthancService>();
        services.AddHostedService(sp => sp.GetRequiredService<ManagedOrthancService>());
        services.AddSingleton<OrthancEndpointProvider>();
        services.AddTransient<OrthancEndpointHandler>();
        var orthancHttp = services.AddHttpClient<OrthancClient>(http =>
        {
            http.BaseAddress = OrthancEndpointHandler.PlaceholderBase;
            // Archives of many GB stream for as long as they take; the resilience pipeline times out the wait for headers.
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        // Outermost first: each retry asks the endpoint handler again for Orthanc's current address and credentials.
        orthancHttp.AddResilienceHandler(OrthancResilience.PipelineName, OrthancResilience.Configure);
        orthancHttp.AddHttpMessageHandler<OrthancEndpointHandler>();
        services.AddSingleton<OrthancHealthMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<OrthancHealthMonitor>());
        services.AddSingleton<OrthancConnectionTester>();
        services.AddHealthChecks().AddCheck<OrthancHealthCheck>("orthanc");
        services.AddSingleton<OrthancCapabilitiesProvider>();
        services.AddOptions<ChangeFeedOptions>().BindConfiguration(ChangeFeedOptions.Section);
        services.AddSingleton<ChangeFeedReader>();
        services.AddHostedService(sp => sp.GetRequiredService<ChangeFeedReader>());
        services.AddScoped<HeldChangesService>();
        services.AddScoped<StudyOriginClassifier>();
        services.AddNavItem(new NavItem("Held changes", "admin/held-changes", Icons.Material.Filled.PauseCircle, Permissions.Admin, 951, NavArea.Administration, AdminSection.Automation));
        services.AddNavItem(new NavItem("Orthanc connection", "admin/orthanc", Icons.Material.Filled.Cable, Permissions.Admin, 920, NavArea.Administration, AdminSection.Orthanc));
        return builder;
    }
}
