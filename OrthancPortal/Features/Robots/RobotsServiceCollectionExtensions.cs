using MudBlazor;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;

namespace OrthancPortal.Features.Robots;

public static class RobotsServiceCollectionExtensions
{
    public static WebApplicationBuilder AddRobots(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RobotOptions>().BindConfiguration(RobotOptions.Section);
        services.AddSingleton<RobotRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<RobotRunner>());
        services.AddScoped<RobotService>();
        services.AddScoped<QueryListService>();
        services.AddScoped<RobotItemsCsv>();
        services.AddNavItem(new NavItem("Robots", "robots", Icons.Material.Filled.SmartToy, Permissions.AutoRetrieve, 310));

        return builder;
    }

    /// <summary>Read-only robot status for scripts and monitoring (same visibility as the monitor page).</summary>
    public static WebApplication MapRobotEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api/robots").RequireAuthorization(Permissions.AutoRetrieve);
        api.MapGet("/", async (System.Security.Claims.ClaimsPrincipal user, RobotService robots, CancellationToken ct) =>
            Results.Ok((await robots.ListAsync(RobotUser.From(user), ct)).Select(Dto)));
        api.MapGet("/{id:long}", async (long id, System.Security.Claims.ClaimsPrincipal user, RobotService robots, CancellationToken ct) =>
            await robots.GetAsync(RobotUser.From(user), id, ct) is { } r ? Results.Ok(Dto(r)) : Results.NotFound());
        // The robot's items for a spreadsheet, in the request's culture (separator, dates); the robot page links here.
        api.MapGet("/{id:long}/items.csv", async (long id, HttpContext http, RobotItemsCsv csv) =>
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"robot-{id}.csv\"";
            return await csv.WriteAsync(RobotUser.From(http.User), id, http.Response.Body, System.Globalization.CultureInfo.CurrentCulture, http.RequestAborted)
                ? Results.Empty : Results.NotFound();
        });
        return app;
    }

    private static object Dto(RobotSummary s) => new
    {
        s.Robot.Id, s.Robot.ProjectName, s.Robot.OwnerName, Status = s.Robot.Status.ToString(), s.Total, s.Retrieved, s.Failed, s.Retrieving, s.Invalid,
        Window = s.Robot.Window.ToString(), s.Robot.Concurrency,
    };
}
