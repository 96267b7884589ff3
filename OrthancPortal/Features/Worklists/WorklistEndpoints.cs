using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Gdt;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure.Security;
using OrthancPortal.Infrastructure.Dicom;

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
        app.MapGet("/worklist/add", AddAsync).AllowAnonymous().AsMachineEndpoint();
        return app;
    }

    private static async Task<IResult> AddAsync(HttpContext http, WorklistApiKeyService keys, WorklistService worklists, GdtService gdt,
        SettingsStore settings, ActorContext actors, AuditLog audit, FailureRateLimiter limiter, TimeProvider clock, CancellationToken ct)
    {
        var caller = await actors.GetAsync();
        // A guesser gets the limit's worth of tries per window; after that one audit entry per window, not one per request.
        var lease = await limiter.AcquireAsync([new RateLimitKey("worklist-key-address", caller.Address ?? "unknown", limiter.Options.WorklistKeyFailuresPerAddress)], ct);
        if (!lease.Granted)
        {
            if (lease.FirstRefusalInWindow)
            {
                await audit.WriteAsync(caller with { UserName = "api" }, "worklist.api.rate-limited", "/worklist/add",
                    $"{lease.RefusedBy!.Limit} wrong API keys from {caller.Address} within {limiter.Options.Window.TotalMinutes:0.#} min; refused for {lease.RetryAfterSeconds} s",
                    success: false, ct: ct);
            }
            http.Response.Headers.RetryAfter = lease.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Text("Too many requests with a wrong API key from this address; try again later.", "text/plain", statusCode: StatusCodes.Status429TooManyRequests);
        }
        var key = http.Request.Query["key"].ToString() is { Length: > 0 } q ? q : http.Request.Headers[ApiKeyHeader].ToString();
        var client = await keys.FindActiveAsync(key, ct);
        if (client is null)
        {
            await lease.FailedAsync(ct);
            await audit.WriteAsync(caller with { UserName = "api" }, "worklist.api.denied", "/worklist/add",
                string.IsNullOrEmpty(key) ? "no API key" : "unknown or revoked API key", success: false, ct: ct);
            return Results.Text("A valid API key is required (key= parameter or X-Api-Key header).", "text/plain", statusCode: StatusCodes.Status401Unauthorized);
        }
        await lease.SucceededAsync(ct);
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
            new GdtStudy(entry.PatientId, entry.AccessionNumber, DicomDates.Date(entry.ScheduledAt), DicomDates.Time(entry.ScheduledAt), entry.Modality, entry.Procedure,
                entry.LastName, entry.FirstName, entry.BirthDate), ct);
        return Results.Bytes(bytes, $"text/plain; charset={GdtEncoding.WebName(charset)}");
    }
}
