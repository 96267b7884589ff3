using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Viewers;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Shares;

/// <summary>
/// How a share link's token travels after the landing page: an HttpOnly, SameSite=Strict cookie, one per path a viewer
/// uses (OHIF, DICOMweb, WADO-URI, the Web Viewer) and the share's own <c>/s</c> pages, so the browser never sends it to
/// any other part of the portal. A query parameter would leak into logs and Referer headers; the cookie lives only
/// until the share expires.
/// </summary>
public static class ShareCookie
{
    public const string Name = "portal.share";
    public static readonly IReadOnlyList<string> Paths = [OhifEndpoints.PathPrefix, "/dicom-web", "/wado", "/web-viewer", "/s"];

    public static void Set(HttpContext http, string token, DateTime expiresAt)
    {
        foreach (var path in Paths) http.Response.Cookies.Append(Name, token, Options(http, path, new DateTimeOffset(DateTime.SpecifyKind(expiresAt, DateTimeKind.Utc))));
    }

    /// <summary>After a link that no longer opens anything, the browser forgets any share cookie it kept.</summary>
    public static void Clear(HttpContext http)
    {
        if (!http.Request.Cookies.ContainsKey(Name)) return;
        foreach (var path in Paths) http.Response.Cookies.Delete(Name, Options(http, path, null));
    }

    private static CookieOptions Options(HttpContext http, string path, DateTimeOffset? expires) => new()
    {
        Path = http.Request.PathBase + path,
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Expires = expires,
        IsEssential = true,
    };
}

/// <summary>Resolves a request's share cookie to its share (<see cref="IViewerShares"/> for the viewers) and audits under it.</summary>
public sealed class ViewerShares(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit, ActorContext actors, TimeProvider clock) : IViewerShares
{
    private static readonly object CacheKey = new();

    public async Task<ViewerShare?> CurrentAsync(HttpContext http)
    {
        if (http.Items.TryGetValue(CacheKey, out var cached)) return (ViewerShare?)cached;
        ViewerShare? share = null;
        if (http.Request.Cookies[ShareCookie.Name] is { Length: > 0 and <= 128 } token)
        {
            var found = await FindValidAsync(token, http.RequestAborted);
            if (found is not null)
            {
                share = new ViewerShare(found.Id, found.CreatedByUserName,
                    found.Studies.Select(s => s.OrthancStudyId).ToHashSet(StringComparer.Ordinal),
                    found.Studies.Select(s => s.StudyInstanceUid).ToHashSet(StringComparer.Ordinal), found.AllowDownload);
            }
        }
        http.Items[CacheKey] = share;
        return share;
    }

    public Task AuditAsync(HttpContext http, ViewerShare share, string action, string resource, string? details = null, bool success = true)
        => audit.WriteAsync(ActorOf(share.Id, actors.Address ?? http.Connection.RemoteIpAddress?.ToString()), action, resource,
            $"shared by {share.Sharer}{(details is null ? "" : $"; {details}")}", success, http.RequestAborted);

    /// <summary>The audit log's user for what a share link's visitor does.</summary>
    public static Actor ActorOf(long shareId, string? address) => new(null, $"share:{shareId}", address);

    /// <summary>The share of this token while it may be used: known, not revoked, not expired, and its sharer still an enabled user.</summary>
    public async Task<Share?> FindValidAsync(string token, CancellationToken ct)
    {
        var hash = ShareService.HashToken(token);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<Share>().AsNoTracking().Include(s => s.Studies)
            .Where(s => s.TokenHash == hash && s.RevokedAt == null && s.ExpiresAt > now)
            .Where(s => db.Set<PortalUser>().Any(u => u.Id == s.CreatedByUserId && !u.IsDisabled))
            .FirstOrDefaultAsync(ct);
    }
}

/// <summary>
/// A request that brings a share cookie and no signed-in user reaches only what is marked <see cref="ShareReachableAttribute"/>
/// (the viewer proxy, OHIF, the share's own pages): every other page or API answers 403, whatever the cookie says.
/// A target that walks out of a viewer prefix ("/dicom-web/../system") is refused and audited by the proxy's rule,
/// as for a signed-in user (the authorization fallback would otherwise answer it with a sign-in redirect).
/// </summary>
public static class ShareCookieGuard
{
    public static IApplicationBuilder UseShareCookieGuard(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var visitor = http.User.Identity?.IsAuthenticated != true && http.Request.Cookies.ContainsKey(ShareCookie.Name);
        if (visitor && await ViewerProxy.RefuseEscapedTargetAsync(http)) return;
        if (visitor
            && http.GetEndpoint() is { } endpoint
            && endpoint.Metadata.GetMetadata<ShareReachableAttribute>() is null
            && http.Features.Get<IStatusCodeReExecuteFeature>() is null
            && http.Features.Get<IExceptionHandlerFeature>() is null)
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            // A body of its own keeps the status-page middleware from re-running the request.
            await http.Response.WriteAsync("A share link opens only its studies in the viewer; the rest of the portal needs an account.", http.RequestAborted);
            return;
        }
        await next(http);
    });
}
