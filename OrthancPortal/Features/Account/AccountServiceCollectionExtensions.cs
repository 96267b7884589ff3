using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Identity;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Account;

public sealed class AccountOptions
{
    public const string Section = "Account";
    public int PasswordMinLength { get; set; } = 12;
    public bool PasswordRequireDigit { get; set; } = true;
    public bool PasswordRequireUpper { get; set; } = true;
    public bool PasswordRequireLower { get; set; } = true;
    public bool PasswordRequireSymbol { get; set; }
    /// <summary>A session with no request for this long must sign in again.</summary>
    public int IdleTimeoutMinutes { get; set; } = 60;
    /// <summary>
    /// How often a session's user is checked again (disabled, password changed, roles), in cookie requests and in
    /// open circuits. Tests shorten it; a minute is the promise.
    /// </summary>
    public int SessionRevalidationSeconds { get; set; } = 60;
}

public static class AccountServiceCollectionExtensions
{
    public static WebApplicationBuilder AddAccount(this WebApplicationBuilder builder)
    {
        var account = builder.Configuration.GetSection(AccountOptions.Section).Get<AccountOptions>() ?? new AccountOptions();
        builder.Services.Configure<AccountOptions>(builder.Configuration.GetSection(AccountOptions.Section));
        builder.Services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        builder.Services.AddIdentityCore<PortalUser>(o =>
            {
                o.Password.RequiredLength = account.PasswordMinLength;
                o.Password.RequireDigit = account.PasswordRequireDigit;
                o.Password.RequireUppercase = account.PasswordRequireUpper;
                o.Password.RequireLowercase = account.PasswordRequireLower;
                o.Password.RequireNonAlphanumeric = account.PasswordRequireSymbol;
                o.User.RequireUniqueEmail = false;
            })
            .AddRoles<PortalRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<PortalClaimsFactory>()
            .AddPasswordValidator<UserNamePasswordValidator>()
            .AddDefaultTokenProviders();
        // Each interval the principal is re-issued from the database (current roles), or refused when the security
        // stamp changed. Ending a session (sign-out, disable, password change) does not wait: its row is deleted.
        builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromSeconds(Math.Max(1, account.SessionRevalidationSeconds)));
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<IUserSessions>(sp => sp.GetRequiredService<SessionStore>());
        builder.Services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<SessionStore>((o, store) => o.SessionStore = store);
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.Cookie.Name = "OrthancPortal.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(account.IdleTimeoutMinutes);
            o.Events.OnRedirectToLogin = ctx => AnswerInsteadOfRedirect(ctx.HttpContext, StatusCodes.Status401Unauthorized, () => ctx.Response.Redirect(ctx.RedirectUri));
            // 403 with the portal's "no permission" page (status code re-execution), never a bounce to the login page.
            o.Events.OnRedirectToAccessDenied = ctx => { ctx.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
            var validateStamp = o.Events.OnValidatePrincipal;
            o.Events.OnValidatePrincipal = async ctx =>
            {
                var session = ctx.Principal?.FindFirstValue(SessionStore.SessionClaim);
                await validateStamp(ctx);
                // A re-issued principal lacks the session claim; a circuit opened on this request needs it.
                if (session is not null && ctx.Principal?.Identity is ClaimsIdentity identity && !identity.HasClaim(c => c.Type == SessionStore.SessionClaim))
                {
                    identity.AddClaim(new Claim(SessionStore.SessionClaim, session));
                }
            };
        });
        builder.Services.AddCascadingAuthenticationState();
        // Registered after AddRazorComponents' default provider, so this one is used.
        builder.Services.AddScoped<AuthenticationStateProvider, SessionRevalidatingStateProvider>();
        builder.Services.AddScoped<CircuitHandler, SessionActivityCircuitHandler>();
        builder.Services.AddHostedService<SessionCleanupScheduler>();
        builder.Services.AddSingleton<IInitialPasswordSink, ConsoleInitialPasswordSink>();
        builder.Services.AddScoped<AccessSeeder>();
        builder.Services.AddScoped<SignInService>();
        return builder;
    }

    /// <summary>API callers get a status code; browsers asking for a page get the redirect.</summary>
    private static Task AnswerInsteadOfRedirect(HttpContext http, int status, Action redirect)
    {
        if (http.Request.Path.StartsWithSegments("/api") || !HttpMethods.IsGet(http.Request.Method)) http.Response.StatusCode = status;
        else redirect();
        return Task.CompletedTask;
    }

    public static WebApplication MapAccountEndpoints(this WebApplication app)
    {
        app.MapPost("/account/logout", async (HttpContext http, SignInService signIn) =>
        {
            await signIn.SignOutAsync(Actor.FromPrincipal(http.User, http.Connection.RemoteIpAddress?.ToString()));
            return Results.LocalRedirect("/account/login");
        }).RequireAuthorization().WithMetadata(new AllowedBeforePasswordChangeAttribute());
        return app;
    }

    /// <summary>
    /// An account that must change its password can reach only sign-in, sign-out and the change-password page (and
    /// the static files those pages load) until it does. The decision is made on the endpoint that routing chose for
    /// the decoded path, so no spelling of a path (a dot, an encoding, a case) slips past: pages answer with the
    /// change-password page, everything else (API, proxy, hub, form posts) with 403.
    /// </summary>
    public static IApplicationBuilder UseForcedPasswordChange(this IApplicationBuilder app)
    {
        var webRoot = app.ApplicationServices.GetRequiredService<IWebHostEnvironment>().WebRootFileProvider;
        return app.Use(async (http, next) =>
        {
            if (!http.User.HasClaim(c => c.Type == PortalClaimsFactory.MustChangePasswordClaim) || AllowedBeforePasswordChange(http, webRoot))
            {
                await next();
                return;
            }
            var endpoint = http.GetEndpoint();
            if (HttpMethods.IsGet(http.Request.Method) && endpoint?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
            {
                http.Response.Redirect($"{http.Request.PathBase}/account/change-password");
                return;
            }
            var statusPages = http.Features.Get<IStatusCodePagesFeature>();
            if (statusPages is not null) statusPages.Enabled = false;
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
        });
    }

    private static bool AllowedBeforePasswordChange(HttpContext http, Microsoft.Extensions.FileProviders.IFileProvider webRoot)
    {
        var endpoint = http.GetEndpoint();
        if (endpoint is not null) return endpoint.Metadata.GetMetadata<AllowedBeforePasswordChangeAttribute>() is not null;
        // Static assets: UseStaticFiles has already served every real file; what is still asked for without an
        // endpoint must be a file the web root's provider really holds (a name that only looks like a file is no exemption).
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)) return false;
        var path = http.Request.Path.Value;
        if (string.IsNullOrEmpty(path) || path == "/") return false;
        var file = webRoot.GetFileInfo(path);
        return file.Exists && !file.IsDirectory;
    }
}
