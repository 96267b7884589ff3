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
        // A disabled user or a changed role reaches open sessions within a minute.
        builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
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
        });
        builder.Services.AddCascadingAuthenticationState();
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
        }).RequireAuthorization();
        return app;
    }

    /// <summary>
    /// An account that must change its password can reach only the change-password page (and sign out) until it does.
    /// </summary>
    public static IApplicationBuilder UseForcedPasswordChange(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var path = http.Request.Path;
        if (http.User.HasClaim(c => c.Type == PortalClaimsFactory.MustChangePasswordClaim)
            && !path.StartsWithSegments("/account") && !path.StartsWithSegments("/lib") && !path.StartsWithSegments("/_framework")
            && !path.StartsWithSegments("/css") && !Path.HasExtension(path.Value))
        {
            if (path.StartsWithSegments("/api")) { http.Response.StatusCode = StatusCodes.Status403Forbidden; return; }
            http.Response.Redirect("/account/change-password");
            return;
        }
        await next();
    });
}
