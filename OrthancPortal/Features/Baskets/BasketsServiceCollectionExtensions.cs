using MudBlazor;
using FluentValidation;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Export;
using OrthancPortal.Features.Baskets.Pages;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.RowActions;
using OrthancPortal.Features.Tasks;

namespace OrthancPortal.Features.Baskets;

public static class BasketsServiceCollectionExtensions
{
    public static WebApplicationBuilder AddBaskets(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<BasketService>();
        s.AddScoped<BasketActions>();
        s.AddTaskHandler<DeleteTaskHandler>();
        s.AddTopBarItem<BasketCounters>(100);
        s.AddRowAction<BasketRowAction>(100, RowKind.Patient, RowKind.Study, RowKind.StudyPage, RowKind.Series, RowKind.QueryResult, RowKind.RobotItem);
        return builder;
    }

    public sealed record AddRequest(IReadOnlyList<ResourceRef> Items);

    public static WebApplication MapBasketEndpoints(this WebApplication app)
    {
        MapExportBasketDownload(app);
        var api = app.MapGroup("/api/baskets").RequireAuthorization();
        api.MapGet("/", async (HttpContext http, BasketService baskets, CancellationToken ct)
            => Results.Ok(await baskets.CountsAsync(BasketService.UserIdOf(http.User)!, ct)));
        api.MapGet("/{kind}", async (BasketKind kind, HttpContext http, BasketService baskets, CancellationToken ct)
            => BasketActions.MayUse(http.User, kind) ? Results.Ok(await baskets.ListAsync(BasketService.UserIdOf(http.User)!, kind, ct)) : Results.Forbid());
        api.MapPost("/{kind}", (BasketKind kind, AddRequest request, HttpContext http, BasketActions actions, CancellationToken ct)
            => Guard(async () => Results.Ok(new { Added = await actions.AddAsync(http.User, kind, request.Items ?? [], ct) })));
        api.MapDelete("/{kind}/{orthancId}", async (BasketKind kind, string orthancId, HttpContext http, BasketService baskets, CancellationToken ct) =>
        {
            await baskets.RemoveAsync(BasketService.UserIdOf(http.User)!, kind, [orthancId], ct);
            return Results.NoContent();
        });
        api.MapPost("/delete/run", (HttpContext http, BasketActions actions, ActorContext actors, CancellationToken ct)
            => Guard(async () => Results.Ok(new { TaskId = await actions.StartDeleteAsync(http.User, await actors.GetAsync(), ct) })))
            .RequireAuthorization(Permissions.Delete);
        api.MapPost("/anonymize/run", (RunAnonymizeRequest request, HttpContext http, BasketActions actions, ActorContext actors, CancellationToken ct)
            => Guard(async () => Results.Ok(new { TaskId = await actions.StartAnonymizeAsync(http.User, await actors.GetAsync(), request, ct) })))
            .RequireAuthorization(Permissions.Anonymize);
        api.MapPost("/export/run", (RunExportRequest request, HttpContext http, BasketActions actions, ActorContext actors, CancellationToken ct)
            => Guard(async () => Results.Ok(new { TaskId = await actions.StartExportAsync(http.User, await actors.GetAsync(), request, ct) })))
            .RequireAuthorization(Permissions.ExportRemote);
        return app;
    }

    /// <summary>Bad input is a 400 with the reason, a missing permission a 403; never an exception page.</summary>
    private static async Task<IResult> Guard(Func<Task<IResult>> action)
    {
        try { return await action(); }
        catch (BasketForbiddenException) { return Results.Forbid(); }
        catch (ValidationException ex) { return Results.BadRequest(new { Error = string.Join(" ", ex.Errors.Select(e => e.ErrorMessage).DefaultIfEmpty(ex.Message)) }); }
        catch (InvalidOperationException ex) { return Results.BadRequest(new { Error = ex.Message }); }
        catch (OrthancException ex) { return Results.BadRequest(new { Error = ex.Message }); }
    }

    // The Export basket's download lives with the baskets (it reads them and calls Export), so Export needs no Baskets.
    private static void MapExportBasketDownload(WebApplication app)
    {
        // Download of the user's Export basket, streamed straight from Orthanc to the browser.
        app.MapGet("/api/export/basket.zip", async (HttpContext http, BasketService baskets, ExportService exporter, AuditLog audit, string? format, string? transcode, CancellationToken ct) =>
        {
            var present = new List<string>();
            foreach (var e in await baskets.ListAsync(BasketService.UserIdOf(http.User)!, BasketKind.Export, ct)) if (!e.Missing) present.Add(e.OrthancId);
            if (present.Count == 0) return Results.BadRequest(new { Error = "The Export basket has nothing Orthanc still holds." });
            var media = string.Equals(format, "dicomdir", StringComparison.OrdinalIgnoreCase) ? ArchiveFormat.Dicomdir : ArchiveFormat.Zip;
            if (transcode is { Length: > 0 } && OrthancClient.TranscodeTargets.All(t => t.Uid != transcode)) return Results.BadRequest(new { Error = $"Unknown transfer syntax '{transcode}'." });
            HttpResponseMessage response;
            try { response = await exporter.OpenArchiveAsync(present, media, transcode is { Length: > 0 } ? transcode : null, ct); }
            catch (OrthancException ex) when (ex.Failure == OrthancFailure.BadRequest) { return Results.BadRequest(new { Error = ex.Message }); }
            http.Response.RegisterForDispose(response);
            await audit.WriteAsync("export.download", $"{present.Count} resources", $"{media}{(transcode is { Length: > 0 } ? $" transcoded to {transcode}" : "")}: {string.Join(", ", present)}", ct: ct);
            var name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(media == ArchiveFormat.Dicomdir ? "dicomdir" : "export")}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.zip");
            return Results.Stream(await response.Content.ReadAsStreamAsync(ct), "application/zip", name);
        }).RequireAuthorization(Permissions.ExportLocal);
    }
}
