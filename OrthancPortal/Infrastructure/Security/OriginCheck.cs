using Microsoft.Extensions.Logging;

namespace OrthancPortal.Infrastructure.Security;

/// <summary>
/// Endpoint metadata: the endpoint authenticates its callers with its own key, never with the sign-in cookie, so a
/// request from another site carries nothing it could abuse. Only such endpoints skip the Origin check.
/// </summary>
public sealed class MachineEndpointMetadata
{
    public static readonly MachineEndpointMetadata Instance = new();
}

public static class OriginCheckExtensions
{
    /// <summary>Marks a key-authenticated endpoint (called by other programs, with or without an Origin) as exempt from the Origin check.</summary>
    public static TBuilder AsMachineEndpoint<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(MachineEndpointMetadata.Instance);

    /// <summary>
    /// Refuses (403) a state-changing request (any method but GET/HEAD/OPTIONS/TRACE, and WebSocket handshakes)
    /// whose Origin, or without an Origin its Referer, names another site than the one it was sent to. Cookies
    /// ride along with such requests from any page the user has open; JSON bodies are protected by CORS, but
    /// body-less POSTs and forms are not. Requests with neither header are let through: browsers always send
    /// Origin on cross-origin requests, so those come from scripts, which hold no one else's cookie.
    /// Must run after the forwarded-headers middleware (the scheme) and routing (the endpoint metadata).
    /// </summary>
    public static IApplicationBuilder UseOriginCheck(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<SecurityOptions>();
        var allowed = options.AllowedOrigins.Select(o => Uri.TryCreate(o, UriKind.Absolute, out var u) ? Normalize(u) : null).OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("OrthancPortal.Security.OriginCheck");
        return app.Use(async (http, next) =>
        {
            var request = http.Request;
            if (IsSafe(http) || http.GetEndpoint()?.Metadata.GetMetadata<MachineEndpointMetadata>() is not null)
            {
                await next();
                return;
            }
            var source = request.Headers.Origin.ToString() is { Length: > 0 } origin ? origin : request.Headers.Referer.ToString();
            if (source.Length == 0 || IsSameOrigin(source, request, allowed))
            {
                await next();
                return;
            }
            // Debug only: a page on another site can send these at any rate.
            logger.LogDebug("Refused {Method} {Path} from origin {Origin}", request.Method, request.Path, source);
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            await http.Response.WriteAsync("Cross-site request refused: its Origin is not this portal.");
        });
    }

    private static bool IsSafe(HttpContext http)
    {
        var method = http.Request.Method;
        var safe = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);
        // A WebSocket handshake is a GET, but it opens a Blazor circuit that acts with the user's cookie. (Read from the
        // header: the WebSocket feature is only added inside the hub's own pipeline.)
        return safe && !http.Request.Headers.Upgrade.Any(u => string.Equals(u, "websocket", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Same host and port as the Host header. The scheme is compared only when this request is known to be HTTPS:
    /// behind a TLS proxy that is not configured as trusted, the portal sees http while the browser's origin says https.
    /// </summary>
    internal static bool IsSameOrigin(string source, HttpRequest request, IReadOnlySet<string> allowed)
    {
        if (!Uri.TryCreate(source, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)) return false;
        if (allowed.Contains(Normalize(uri))) return true;
        if (request.IsHttps && uri.Scheme != Uri.UriSchemeHttps) return false;
        var host = request.Host;
        if (!host.HasValue || !string.Equals(uri.Host, host.Host, StringComparison.OrdinalIgnoreCase)) return false;
        // Without a port in Host, the browser used its scheme's default port, and so must the origin.
        return host.Port is { } port ? uri.Port == port : uri.IsDefaultPort;
    }

    private static string Normalize(Uri uri) => uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
}
