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

    /// <summary>
    /// The site's language (<c>Portal:Language</c>, set once at start; English unless configured): browsers that ask for
    /// no language get it, and automatic work (no user) runs under it.
    /// </summary>
    public static CultureInfo SiteDefault { get; private set; } = Supported[0];

    internal static void UseSiteDefault(string? name)
    {
        SiteDefault = Find(name) ?? Supported[0];
        // Threads that no request or recorded row gave a language (Quartz jobs such as robots, timers, hosted services)
        // look their texts up in the site's language rather than the host's. Only the UI culture: formats stay as they were.
        CultureInfo.DefaultThreadCurrentUICulture = SiteDefault;
    }

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

    /// <summary>
    /// The language to record on a task or job row for work that runs later without a request: the current UI culture
    /// (the user's, in a request or circuit) when the portal speaks it, else the site's language. Automatic work (the
    /// change feed, persisted queues) already runs under <see cref="SiteDefault"/>, so what it starts records that.
    /// </summary>
    public static string ForLaterWork() => Find(CultureInfo.CurrentUICulture.Name)?.Name ?? SiteDefault.Name;

    /// <summary>
    /// Runs background work under the language recorded on its row (<see cref="ForLaterWork"/>), so the progress texts,
    /// failure reasons and results it stores read in the language of the user who started it. An unknown or missing
    /// name (rows from before the column) means the site's language. The caller's culture is left as it was.
    /// </summary>
    public static async Task<T> RunInAsync<T>(string? culture, Func<Task<T>> work)
    {
        Use(culture);
        return await work();
    }

    /// <inheritdoc cref="RunInAsync{T}(string?, Func{Task{T}})"/>
    public static async Task RunInAsync(string? culture, Func<Task> work)
    {
        Use(culture);
        await work();
    }

    // Inside an async method: the change ends with it (the execution context is restored for the caller).
    private static void Use(string? culture)
    {
        var c = Find(culture) ?? SiteDefault;
        CultureInfo.CurrentCulture = c;
        CultureInfo.CurrentUICulture = c;
    }
}
