using MudBlazor;
using FluentValidation;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Tasks;

namespace OrthancPortal.Features.Content;

/// <summary>Content: search, browse, change, download.</summary>
public static class ContentServiceCollectionExtensions
{
    public static WebApplicationBuilder AddContent(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<PermissionGuard>();
        services.AddScoped<StudySearchService>();
        services.AddScoped<ContentService>();
        services.AddTaskHandler<ModifyTagsTask>();
        services.AddNavItem(new NavItem("Studies", "content/studies", Icons.Material.Filled.Search, Permissions.ViewContent, 100));
        return builder;
    }

    public static WebApplication MapContentEndpoints(this WebApplication app)
    {
        app.MapGet("/content/download/{level}/{id}", ContentDownload.HandleAsync).RequireAuthorization(Permissions.ExportLocal);

        var api = app.MapGroup("/api/content");
        api.MapGet("/studies", async (StudySearchService search, string? patientName, string? patientId, string? accession, string? description,
            string? modalities, DateOnly? from, DateOnly? to, int? page, int? pageSize, string? sort, bool? desc, string? labels, string? labelMatch, CancellationToken ct) =>
        {
            var query = new StudyQuery
            {
                PatientName = patientName, PatientId = patientId, AccessionNumber = accession, StudyDescription = description,
                Modalities = modalities?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList() ?? [],
                From = from, To = to,
                Labels = labels?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList() ?? [],
            };
            if (labelMatch is not null)
            {
                if (!Enum.TryParse<LabelMatch>(labelMatch, ignoreCase: true, out var match) || !Enum.IsDefined(match))
                {
                    return Results.Problem($"labelMatch is one of: {string.Join(", ", Enum.GetNames<LabelMatch>())}.", statusCode: 400);
                }
                query.LabelMatch = match;
            }
            StudySort? order = null;
            if (sort is not null)
            {
                if (!Enum.TryParse<StudySortField>(sort, ignoreCase: true, out var field) || !Enum.IsDefined(field))
                {
                    return Results.Problem($"Sort by one of: {string.Join(", ", Enum.GetNames<StudySortField>())}.", statusCode: 400);
                }
                order = new StudySort(field, desc ?? field == StudySortField.StudyDate);
            }
            return await Answer(async () => Results.Ok(await search.SearchAsync(query, page ?? 0, pageSize ?? 25, order, ct)));
        }).RequireAuthorization(Permissions.ViewContent);

        api.MapPost("/{level}/{id}/modify", async (ContentService content, string level, string id, ModifyBody body, CancellationToken ct) =>
            await Answer(async () => Results.Accepted(value: new { TaskId = await content.StartModifyAsync(new(ParseLevel(level), id, body.Changes, body.KeepUids), ct) })))
            .RequireAuthorization(Permissions.Modify);

        api.MapDelete("/{level}/{id}", async (ContentService content, string level, string id, CancellationToken ct) =>
            await Answer(async () => { await content.DeleteAsync(ParseLevel(level), id, ct); return Results.NoContent(); }))
            .RequireAuthorization(Permissions.Delete);

        api.MapPut("/patients/{id}/protected", async (ContentService content, string id, ProtectBody body, CancellationToken ct) =>
            await Answer(async () => { await content.SetProtectedAsync(id, body.Protected, ct); return Results.NoContent(); }))
            .RequireAuthorization(Permissions.Modify);

        return app;
    }

    public sealed record ModifyBody(Dictionary<string, string> Changes, bool KeepUids);
    public sealed record ProtectBody(bool Protected);

    private static ResourceLevel ParseLevel(string level) => level switch
    {
        "patients" => ResourceLevel.Patient,
        "studies" => ResourceLevel.Study,
        "series" => ResourceLevel.Series,
        "instances" => ResourceLevel.Instance,
        _ => throw new ValidationException($"'{level}' is not a level: use patients, studies, series or instances."),
    };

    /// <summary>Bad input and missing resources become clear problem answers, never an exception page.</summary>
    internal static async Task<IResult> Answer(Func<Task<IResult>> action)
    {
        try { return await action(); }
        catch (ValidationException ex) { return Results.Problem(string.Join(" ", ex.Errors.Select(e => e.ErrorMessage).DefaultIfEmpty(ex.Message)), statusCode: 400); }
        catch (UnauthorizedAccessException ex) { return Results.Problem(ex.Message, statusCode: 403); }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound) { return Results.Problem(ex.Message, statusCode: 404); }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.BadRequest) { return Results.Problem(ex.Message, statusCode: 400); }
        catch (OrthancException ex) { return Results.Problem(ex.Message, statusCode: 502); }
    }
}
