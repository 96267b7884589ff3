using OrthancPortal.Features.Access;
using OrthancPortal.Features.Content;

namespace OrthancPortal.Features.Labels;

/// <summary>Study labels (Orthanc 1.12) and the label limit of roles.</summary>
public static class LabelsServiceCollectionExtensions
{
    public static WebApplicationBuilder AddLabels(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<StudyAccess>();
        builder.Services.AddScoped<LabelService>();
        return builder;
    }

    public static WebApplication MapLabelEndpoints(this WebApplication app)
    {
        app.MapGet("/api/labels", async (LabelService labels, CancellationToken ct) =>
            await ContentServiceCollectionExtensions.Answer(async () => Results.Ok(await labels.GetAllLabelsAsync(ct))))
            .RequireAuthorization(Permissions.ViewContent);

        app.MapPost("/api/labels/bulk", async (LabelService labels, BulkLabelBody body, CancellationToken ct) =>
            await ContentServiceCollectionExtensions.Answer(async () =>
                Results.Ok(new { Changed = await labels.ChangeAsync(body.StudyIds ?? [], body.Label ?? "", body.Add, ct) })))
            .RequireAuthorization(Permissions.Labels);

        var study = app.MapGroup("/api/content/studies/{id}/labels");
        study.MapGet("", async (LabelService labels, string id, CancellationToken ct) =>
            await ContentServiceCollectionExtensions.Answer(async () => Results.Ok(await labels.GetStudyLabelsAsync(id, ct))))
            .RequireAuthorization(Permissions.ViewContent);
        study.MapPut("/{label}", async (LabelService labels, string id, string label, CancellationToken ct) =>
            await ContentServiceCollectionExtensions.Answer(async () => { await labels.AddAsync(id, label, ct); return Results.NoContent(); }))
            .RequireAuthorization(Permissions.Labels);
        study.MapDelete("/{label}", async (LabelService labels, string id, string label, CancellationToken ct) =>
            await ContentServiceCollectionExtensions.Answer(async () => { await labels.RemoveAsync(id, label, ct); return Results.NoContent(); }))
            .RequireAuthorization(Permissions.Labels);
        return app;
    }

    public sealed record BulkLabelBody(IReadOnlyList<string>? StudyIds, string? Label, bool Add);
}
