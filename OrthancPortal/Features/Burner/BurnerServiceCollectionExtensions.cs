using MudBlazor;
using OrthancPortal.Infrastructure.Scheduling;
using OrthancPortal.Features.RowActions;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Burner;

public static class BurnerServiceCollectionExtensions
{
    public static WebApplicationBuilder AddBurner(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<BurnerMonitorOptions>().BindConfiguration(BurnerMonitorOptions.Section);
        services.AddPersistedQueue<BurnerQueue>(rescan: TimeSpan.FromSeconds(30));
        services.AddSingleton<BurnerStatusMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<BurnerStatusMonitor>());
        services.AddScoped<BurnerJobService>();
        services.AddScoped<DiscBuilder>();
        services.AddScoped<IChangeSubscriber, BurnerChangeSubscriber>();
        services.AddNavItem(new NavItem("CD/DVD burner", "burner", Icons.Material.Filled.Album, Permissions.Burner, 500));
        services.AddRowAction<Pages.BurnStudyButton>(300, RowKind.StudyPage);
        services.AddNavItem(new NavItem("Burner settings", "admin/burner", Icons.Material.Filled.Album, Permissions.Admin, 941, NavArea.Administration, AdminSection.Integrations));
        return builder;
    }

    /// <summary>
    /// POST /api/burner/studies/{id}/burn queues a disc for one Orthanc study (202 with the job id);
    /// POST /api/burner/jobs/{id}/cancel cancels a job. Both need the Burner permission.
    /// </summary>
    public static WebApplication MapBurnerEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api/burner").RequireAuthorization(Permissions.Burner);
        api.MapPost("/studies/{id}/burn", async (string id, BurnerJobService jobs, ActorContext actors, CancellationToken ct) =>
        {
            try
            {
                OrthancClient.Id(id);
                var job = await jobs.EnqueueAsync([id], BurnTrigger.Manual, await actors.GetAsync(), ct);
                return Results.Accepted($"/api/burner/jobs/{job!.Id}", new { jobId = job.Id, state = job.State.ToString() });
            }
            catch (OrthancException ex) when (ex.Failure is OrthancFailure.BadRequest or OrthancFailure.NotFound)
            {
                return Results.Problem(ex.Failure == OrthancFailure.NotFound ? $"There is no study {id} in Orthanc." : ex.Message,
                    statusCode: ex.Failure == OrthancFailure.NotFound ? 404 : 400);
            }
            catch (BurnerException ex)
            {
                return Results.Problem(ex.Message, statusCode: 400);
            }
        });
        api.MapGet("/jobs/{id:long}", async (long id, BurnerJobService jobs, CancellationToken ct)
            => await jobs.GetAsync(id, ct) is { } job ? Results.Ok(job) : Results.NotFound());
        api.MapPost("/jobs/{id:long}/cancel", async (long id, BurnerJobService jobs, ActorContext actors, CancellationToken ct) =>
        {
            try
            {
                await jobs.CancelAsync(id, await actors.GetAsync(), ct);
                return Results.NoContent();
            }
            catch (BurnerException ex)
            {
                return Results.Problem(ex.Message, statusCode: 400);
            }
        });
        return app;
    }
}
