using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrthancPortal.Features.Access;

namespace OrthancPortal.Infrastructure.Health;

/// <summary>
/// <c>/healthz</c> for the container's HEALTHCHECK and the service manager: 200 "Healthy" or 503 "Unhealthy",
/// from checks of the portal database and of Orthanc. Anonymous callers get only that word; an admin also
/// gets each check's state and reason.
/// </summary>
public static class HealthEndpoints
{
    public const string Path = "/healthz";

    public static IEndpointConventionBuilder MapHealthEndpoints(this WebApplication app)
        => app.MapHealthChecks(Path, new HealthCheckOptions { ResponseWriter = WriteAsync }).AllowAnonymous();

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        if (!http.User.HasClaim(Permissions.ClaimType, Permissions.Admin))
        {
            http.Response.ContentType = "text/plain";
            return http.Response.WriteAsync(report.Status.ToString());
        }
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description, ms = (int)e.Value.Duration.TotalMilliseconds }),
        }));
    }
}
