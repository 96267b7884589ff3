using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OrthancPortal.Infrastructure.Security;

/// <summary>Request size bounds and response headers. Bound from the "Security" section.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Largest request body by default (MB). Upload endpoints raise it for themselves with [RequestSizeLimit].</summary>
    public long MaxRequestBodyMb { get; set; } = 30;
    /// <summary>Largest body an upload endpoint accepts (MB); those endpoints set it with <c>RequestSizeLimit</c>.</summary>
    public long MaxUploadMb { get; set; } = 4096;
    /// <summary>Longest query string accepted; longer ones get 414.</summary>
    public int MaxQueryStringLength { get; set; } = 4096;
}

public static class SecurityHardeningExtensions
{
    /// <summary>
    /// Suits Blazor Server: blazor.web.js is a file (no inline script), the circuit uses WebSockets, and Blazor
    /// and Bootstrap set inline styles. No framing by other sites.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    public static WebApplicationBuilder AddSecurityHardening(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        builder.Services.AddSingleton(options);
        builder.Services.Configure<KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyMb * 1024 * 1024);
        // First in the pipeline, so every answer (static files, errors, redirects) carries the headers.
        builder.Services.AddTransient<IStartupFilter, SecurityStartupFilter>();
        return builder;
    }

    private sealed class SecurityStartupFilter(SecurityOptions options) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (http, nextMiddleware) =>
            {
                if (http.Request.QueryString.Value?.Length > options.MaxQueryStringLength)
                {
                    http.Response.StatusCode = StatusCodes.Status414RequestUriTooLong;
                    return;
                }
                http.Response.OnStarting(() =>
                {
                    var headers = http.Response.Headers;
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    headers.XContentTypeOptions = "nosniff";
                    headers.XFrameOptions = "DENY";
                    headers["Referrer-Policy"] = "same-origin";
                    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
                    return Task.CompletedTask;
                });
                await nextMiddleware();
            });
            next(app);
        };
    }
}
