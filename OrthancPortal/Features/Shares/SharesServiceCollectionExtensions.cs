using OrthancPortal.Features.RowActions;
using MudBlazor;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Content;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Viewers;

namespace OrthancPortal.Features.Shares;

/// <summary>Share links: a token that opens chosen studies in the viewers without an account (see docs/ARCHITECTURE.md, "Share links").</summary>
public static class SharesServiceCollectionExtensions
{
    public const string DownloadAction = "share.download";

    public static WebApplicationBuilder AddShares(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ShareService>();
        builder.Services.AddScoped<ShareLanding>();
        builder.Services.AddScoped<ViewerShares>();
        builder.Services.AddScoped<IViewerShares>(sp => sp.GetRequiredService<ViewerShares>());
        builder.Services.AddNavItem(new NavItem("Shares", "shares", Icons.Material.Filled.Share, Permissions.Share, 250));
        // "Share" on the study page (and study rows), beside "Burn" and "Run again".
        builder.Services.AddRowAction<Pages.ShareButton>(305, RowKind.StudyPage, RowKind.Study);
        return builder;
    }

    public static WebApplication MapShareEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api/shares").RequireAuthorization(Permissions.Share);
        api.MapGet("", async (ShareService shares, CancellationToken ct) =>
            await ContentServiceCollectionExtensions.Answer(async () => Results.Ok(await shares.ListAsync(ct))));
        api.MapPost("", async (ShareService shares, ShareService.CreateRequest body, CancellationToken ct) =>
            await ContentServiceCollectionExtensions.Answer(async () =>
            {
                var created = await shares.CreateAsync(body, ct);
                return Results.Created($"/api/shares/{created.Id}", created);
            }));
        api.MapPost("/{id:long}/revoke", async (ShareService shares, long id, CancellationToken ct) =>
            await ContentServiceCollectionExtensions.Answer(async () => { await shares.RevokeAsync(id, ct); return Results.NoContent(); }));

        // The landing page's "Download (zip)": only with the share cookie (path /s), only for a share that allows it.
        app.MapGet("/s/download/{studyId}", DownloadAsync).AllowAnonymous().WithMetadata(new ShareReachableAttribute());
        return app;
    }

    private static async Task DownloadAsync(HttpContext http, string studyId, IViewerShares shares, OrthancClient orthanc)
    {
        var share = await shares.CurrentAsync(http);
        if (share is null)
        {
            await AnswerAsync(http, StatusCodes.Status403Forbidden, "Open the share link again: it has expired, was withdrawn, or this browser has not opened it.");
            return;
        }
        if (!share.AllowDownload || !share.StudyIds.Contains(studyId))
        {
            var reason = share.AllowDownload ? "this study is not part of the share" : ViewerShareCheck.NoDownloadReason;
            await shares.AuditAsync(http, share, DownloadAction, $"studies/{(studyId.Length <= 64 ? studyId : studyId[..64])}", reason, success: false);
            await AnswerAsync(http, StatusCodes.Status403Forbidden, $"Refused: {reason}.");
            return;
        }
        using var response = await orthanc.GetArchiveAsync(ResourceLevel.Study, studyId, http.RequestAborted);
        await shares.AuditAsync(http, share, DownloadAction, $"studies/{studyId}", "zip");
        http.Response.ContentType = "application/zip";
        http.Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = $"study-{studyId[..8]}.zip" }.ToString();
        if (response.Content.Headers.ContentLength is { } length) http.Response.ContentLength = length;
        await using var body = await response.Content.ReadAsStreamAsync(http.RequestAborted);
        await body.CopyToAsync(http.Response.Body, 81920, http.RequestAborted);
    }

    private static async Task AnswerAsync(HttpContext http, int status, string text)
    {
        http.Response.StatusCode = status;
        await http.Response.WriteAsync(text, http.RequestAborted);
    }
}
