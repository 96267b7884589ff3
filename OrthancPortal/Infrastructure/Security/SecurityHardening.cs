using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OrthancPortal.Infrastructure.Security;

/// <summary>Request size bounds and response headers. Bound from the "Security" section.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Largest request body by default (MB). The import endpoint raises it for its own request to the Import limits.</summary>
    public long MaxRequestBodyMb { get; set; } = 30;
    /// <summary>Longest query string accepted; longer ones get 414.</summary>
    public int MaxQueryStringLength { get; set; } = 4096;
    /// <summary>
    /// The portal is reached over HTTPS only, directly or through a TLS proxy listed in Portal:TrustedProxies (which
    /// passes X-Forwarded-Proto). HTTPS answers then carry Strict-Transport-Security. The cookies are Secure on every
    /// HTTPS request either way; an https scheme claimed by an untrusted sender is not believed.
    /// </summary>
    public bool RequireHttps { get; set; }
    public int HstsMaxAgeDays { get; set; } = 365;
    /// <summary>Origins besides the portal's own that may send state-changing requests (e.g. when a proxy rewrites the Host header).</summary>
    public List<string> AllowedOrigins { get; set; } = [];
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

    /// <summary>
    /// The built-in OHIF viewer (Features/Viewers/OhifEndpoints, under /ohif only) differs in one word:
    /// 'wasm-unsafe-eval', because its image decoders (JPEG, JPEG-LS, JPEG 2000, HTJ2K) are WebAssembly, compiled in
    /// the page and in its workers (a worker's script answer carries this header too). No 'unsafe-eval', no inline
    /// script; workers and everything it fetches come from the portal itself; no WebSocket.
    /// </summary>
    public const string OhifContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    public static WebApplicationBuilder AddSecurityHardening(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        builder.Services.AddSingleton(options);
        builder.Services.Configure<KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyMb * 1024 * 1024);
        // The antiforgery cookie's default is never Secure; over HTTPS it should be.
        builder.Services.Configure<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => o.Window > TimeSpan.Zero && o.SignInFailuresPerAddress > 0 && o.SignInFailuresPerUserName > 0 && o.WorklistKeyFailuresPerAddress > 0,
                "RateLimits: the window and every limit must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<FailureRateLimiter>();
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
                    headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/ohif", StringComparison.OrdinalIgnoreCase)
                        ? OhifContentSecurityPolicy : ContentSecurityPolicy;
                    headers.XContentTypeOptions = "nosniff";
                    headers.XFrameOptions = "DENY";
                    headers["Referrer-Policy"] = "same-origin";
                    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
                    // IsHttps is read when the answer starts, after the forwarded-headers middleware has set the scheme.
                    if (options.RequireHttps && http.Request.IsHttps)
                    {
                        headers.StrictTransportSecurity = $"max-age={options.HstsMaxAgeDays * 86400}";
                    }
                    return Task.CompletedTask;
                });
                await nextMiddleware();
            });
            next(app);
        };
    }
}
