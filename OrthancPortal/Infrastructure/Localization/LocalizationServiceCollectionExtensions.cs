using Microsoft.AspNetCore.Localization;
using OrthancPortal.Features.Account;

namespace OrthancPortal.Infrastructure.Localization;

/// <summary>
/// Resource files sit beside the component or class that uses them (<c>StudiesPage.razor</c> → <c>StudiesPage.de.resx</c>),
/// keyed by the English text: <c>@L["Search"]</c> shows the key itself in English and the .de.resx entry in German.
/// </summary>
public static class LocalizationServiceCollectionExtensions
{
    /// <param name="siteLanguage"><c>Portal:Language</c>: the site's language (<see cref="PortalCultures.SiteDefault"/>).</param>
    public static IServiceCollection AddPortalLocalization(this IServiceCollection services, string? siteLanguage = null)
    {
        PortalCultures.UseSiteDefault(siteLanguage);
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.DefaultRequestCulture = new RequestCulture(PortalCultures.SiteDefault);
            options.SupportedCultures = [.. PortalCultures.Supported];
            options.SupportedUICultures = [.. PortalCultures.Supported];
            // "de" or "de-AT" from the browser means the portal's German (de-DE), not English.
            options.FallBackToParentCultures = true;
            options.FallBackToParentUICultures = true;
            options.ApplyCurrentCultureToResponseHeaders = true;
            options.RequestCultureProviders =
            [
                new CookieRequestCultureProvider { CookieName = PortalCultures.CookieName },
                new BrowserLanguageProvider(),
            ];
        });
        services.AddScoped<PortalFormat>();
        return services;
    }

    /// <summary>Before authentication, so sign-in pages and error pages speak the user's language too.</summary>
    public static IApplicationBuilder UsePortalLocalization(this IApplicationBuilder app) => app.UseRequestLocalization();

    /// <summary>
    /// <c>POST /culture</c> (form fields <c>culture</c>, <c>returnUrl</c>): stores the choice in a cookie for a year and goes
    /// back. A form post, so the antiforgery token and the Origin check apply; the return URL must be local.
    /// </summary>
    public static IEndpointRouteBuilder MapCultureEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/culture", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            var culture = PortalCultures.Find(form["culture"]);
            if (culture is null) return Results.BadRequest("Unknown language.");
            http.Response.Cookies.Append(PortalCultures.CookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, IsEssential = true });
            var returnUrl = form["returnUrl"].ToString();
            return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl : "/");
        }).AllowAnonymous().WithMetadata(new AllowedBeforePasswordChangeAttribute());
        return endpoints;
    }

    // "/x" but never "//host" or "/\host", which browsers treat as another site.
    private static bool IsLocal(string url)
        => url.Length > 0 && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    /// <summary>Accept-Language, matched by language (de-AT → de-DE), in the browser's order of preference.</summary>
    private sealed class BrowserLanguageProvider : RequestCultureProvider
    {
        public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
        {
            var header = httpContext.Request.GetTypedHeaders().AcceptLanguage;
            var culture = header
                .OrderByDescending(h => h.Quality ?? 1)
                .Select(h => PortalCultures.Find(h.Value.Value))
                .FirstOrDefault(c => c is not null);
            return Task.FromResult(culture is null ? null : new ProviderCultureResult(culture.Name));
        }
    }
}
