using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Import;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Files;

namespace OrthancPortal.Features.Documents;

public static class DocumentsServiceCollectionExtensions
{
    /// <summary>Documents and photos attached to a study (<see cref="DocumentService"/>, the study page's AttachDocuments).</summary>
    public static WebApplicationBuilder AddDocuments(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<DocumentService>();
        builder.Services.AddOptions<DocumentOptions>().BindConfiguration(DocumentOptions.Section)
            .Validate(o => o.IsValid, "Documents: MaxFileBytes must be 1 KB..512 MB and MaxFilesPerRequest 1..100.")
            .ValidateOnStart();
        return builder;
    }

    /// <summary>
    /// POST /api/studies/{id}/documents (Import permission): multipart/form-data with one or more file parts and, optionally,
    /// one "description" field per file in the same order (empty: from the file name). Each file is streamed to a temp file
    /// under WorkFolders ("documents") and refused past Documents:MaxFileBytes; 200 with the new instances, 400 with the reason.
    /// </summary>
    public static WebApplication MapDocumentEndpoints(this WebApplication app)
    {
        app.MapPost("/api/studies/{id}/documents", async (string id, HttpContext http, DocumentService documents, WorkFolders work,
            IOptions<DocumentOptions> options, CancellationToken ct) =>
        {
            var limits = options.Value;
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = limits.MaxFileBytes * limits.MaxFilesPerRequest + 1024 * 1024;
            }
            if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var mediaType)
                || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
                || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
            {
                return Results.Problem("Send the files as multipart/form-data.", statusCode: 400);
            }
            var folder = await work.GetAsync("documents", ct);
            var uploads = new List<(string Path, string Name)>();
            var descriptions = new List<string>();
            try
            {
                var reader = new MultipartReader(boundary, http.Request.Body);
                while (await reader.ReadNextSectionAsync(ct) is { } section)
                {
                    if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
                    if (disposition.IsFileDisposition())
                    {
                        if (uploads.Count >= limits.MaxFilesPerRequest) return Results.Problem($"Attach at most {limits.MaxFilesPerRequest} files at once.", statusCode: 400);
                        var name = ImportEndpoints.DisplayName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "");
                        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.upload");
                        uploads.Add((path, name));
                        if (!await CopyWithinAsync(section.Body, path, limits.MaxFileBytes, ct))
                            return Results.Problem($"{name}: more than the {Infrastructure.Text.ByteSize.Format(limits.MaxFileBytes)} a document may have.", statusCode: 400);
                    }
                    else if (disposition.Name.Value == "description")
                    {
                        using var text = new StreamReader(section.Body);
                        var value = await text.ReadToEndAsync(ct);
                        descriptions.Add(value.Length > 256 ? value[..256] : value);
                    }
                }
                var files = uploads.Select((u, i) => new DocumentUpload(u.Path, u.Name, i < descriptions.Count ? descriptions[i] : null)).ToList();
                return Results.Ok(await documents.AttachAsync(OrthancClient.Id(id), files, ct));
            }
            catch (DocumentRejectedException ex) { return Results.Problem(ex.Message, statusCode: 400); }
            catch (UnauthorizedAccessException ex) { return Results.Problem(ex.Message, statusCode: 403); }
            catch (OrthancException ex) when (ex.Failure is OrthancFailure.NotFound or OrthancFailure.BadRequest)
            {
                return Results.Problem(ex.Failure == OrthancFailure.NotFound ? $"There is no study '{id}'." : ex.Message, statusCode: ex.Failure == OrthancFailure.NotFound ? 404 : 400);
            }
            finally
            {
                foreach (var (path, _) in uploads) File.Delete(path);
            }
        }).RequireAuthorization(Permissions.Import);
        return app;
    }

    /// <summary>Copies a part to disk; false (the file cut short) as soon as it passes <paramref name="maxBytes"/>.</summary>
    public static async Task<bool> CopyWithinAsync(Stream source, string path, long maxBytes, CancellationToken ct)
    {
        await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > maxBytes) return false;
            await target.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        return true;
    }
}
