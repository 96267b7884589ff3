using System.Globalization;

namespace OrthancPortal.Infrastructure.Localization;

/// <summary>
/// The languages the portal speaks. The user's choice (cookie) wins, then the browser's Accept-Language; anything else
/// gets English. Formats (dates, numbers, the CSV separator) follow the same culture, so de-DE reads 01.12.2026.
/// </summary>
public static class PortalCultures
{
    public const string English = "en-GB";
    public const string German = "de-DE";

    /// <summary>Specific cultures, so dates and numbers have a region's format: en-GB rather than the US month-first dates.</summary>
    public static readonly IReadOnlyList<CultureInfo> Supported = [new(English), new(German)];

    /// <summary>The cookie that carries the user's choice (ASP.NET Core's own format: <c>c=de-DE|uic=de-DE</c>).</summary>
    public static string CookieName => Microsoft.AspNetCore.Localization.CookieRequestCultureProvider.DefaultCookieName;

    /// <summary>The supported culture for a name such as "de", "de-AT" or "en-US", or null when the portal has no such language.</summary>
    public static CultureInfo? Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var exact = Supported.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
        if (exact is not null) return exact;
        var language = name.Split('-')[0];
        return Supported.FirstOrDefault(c => string.Equals(c.TwoLetterISOLanguageName, language, StringComparison.OrdinalIgnoreCase));
    }
}
