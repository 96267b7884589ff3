using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Gdt;
using OrthancPortal.Features.Settings;

namespace OrthancPortal.Features.Worklists;

/// <summary>
/// GET /worklist/add: the route existing AIS scripts call (same parameters as the Orthanc plugin they were
/// written for). Scripts cannot sign in, so ASP.NET lets the request through and the handler checks an API key.
/// </summary>
public static class WorklistEndpoints
{
    public const string ApiKeyHeader = "X-Api-Key";

    public static WebApplication MapWorklistEndpoints(this WebApplication app)
    {
        app.MapGet("/worklist/add", AddAsync).AllowAnonymous();
        return app;
    }

    private static async Task<IResult> AddAsync(HttpContext http, WorklistApiKeyService keys, WorklistService worklists, GdtService gdt,
        SettingsStore settings, ActorContext actors, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var caller = await actors.GetAsync();
        var key = http.Request.Query["key"].ToString() is { Length: > 0 } q ? q : http.Request.Headers[ApiKeyHeader].ToString();
        var client = await keys.FindActiveAsync(key, ct);
        if (client is null)
        {
            await audit.WriteAsync(caller with { UserName = "api" }, "worklist.api.denied", "/worklist/add",
                string.IsNullOrEmpty(key) ? "no API key" : "unknown or revoked API key", success: false, ct: ct);
            return Results.Text("A valid API key is required (key= parameter or X-Api-Key header).", "text/plain", statusCode: StatusCodes.Status401Unauthorized);
        }
        var actor = caller with { UserName = $"api:{client.Client}" };

        var (input, errors) = WorklistInput.FromQuery(http.Request.Query, await settings.GetAsync<WorklistSettings>(ct), clock.GetLocalNow().DateTime);
        var result = errors.Count == 0 ? await worklists.CreateAsync(input, actor, ct) : new WorklistResult(null, errors);
        if (!result.Succeeded)
        {
            await audit.WriteAsync(actor, "worklist.api.rejected", "/worklist/add", string.Join(" ", result.Errors), success: false, ct: ct);
            return Results.Text(string.Join("\n", result.Errors), "text/plain", statusCode: StatusCodes.Status400BadRequest);
        }

        var entry = result.Entry!;
        var (bytes, charset) = await gdt.RenderNewStudyAsync(
            new GdtStudy(entry.PatientId, entry.AccessionNumber, entry.ScheduledAt.ToString("yyyyMMdd"), entry.ScheduledAt.ToString("HHmmss"), entry.Modality, entry.Procedure), ct);
        return Results.Bytes(bytes, $"text/plain; charset={GdtEncoding.WebName(charset)}");
    }
}
