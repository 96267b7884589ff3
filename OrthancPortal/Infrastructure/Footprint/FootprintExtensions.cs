using Microsoft.AspNetCore.Components.Server.Circuits;
using Quartz;

namespace OrthancPortal.Infrastructure.Footprint;

/// <summary>The idle portal's memory (issue 17): activity tracking and the idle trimmer.</summary>
public static class FootprintExtensions
{
    public static WebApplicationBuilder AddFootprint(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<FootprintOptions>().BindConfiguration(FootprintOptions.Section);
        services.AddSingleton<PortalActivity>();
        services.AddScoped<CircuitHandler, ActivityCircuitHandler>();
        services.AddSingleton<QuartzRunningJobs>();
        services.AddSingleton<IBackgroundWork>(sp => sp.GetRequiredService<QuartzRunningJobs>());
        // Added to the scheduler's own configuration (BackgroundJobs.Register), so it hears jobs from the first one on.
        services.AddQuartz(q => q.AddJobListener(sp => sp.GetRequiredService<QuartzRunningJobs>()));
        services.AddSingleton<IMemoryTrim, ProcessMemoryTrim>();
        services.AddHostedService<IdleTrimmer>();
        return builder;
    }

    /// <summary>Counts each request as activity while it runs, except the WebSocket a Blazor page holds open.</summary>
    public static IApplicationBuilder UseActivityTracking(this IApplicationBuilder app)
    {
        var activity = app.ApplicationServices.GetRequiredService<PortalActivity>();
        return app.Use(async (http, next) =>
        {
            if (http.WebSockets.IsWebSocketRequest)
            {
                activity.Touch();
                await next();
                activity.Touch();
                return;
            }
            activity.Begin();
            try { await next(); }
            finally { activity.End(); }
        });
    }
}
