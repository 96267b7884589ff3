namespace OrthancPortal.Infrastructure;

/// <summary>
/// Where the portal keeps its files. Bound from the "Portal" section with the options pattern; DataFolder is made a
/// full path once, at binding, so every path the portal writes is under it whatever the working directory is.
/// </summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    public string DataFolder { get; set; } = "data";

    /// <summary>
    /// Where the portal's own database is: <see cref="PortalDatabase.Sqlite"/> (the default, <c>portal.db</c> in the data
    /// folder) or <see cref="PortalDatabase.Postgres"/> (the server in <see cref="ConnectionString"/>, so several portals
    /// can share it).
    /// </summary>
    public PortalDatabase Database { get; set; } = PortalDatabase.Sqlite;

    /// <summary>The Npgsql connection string when <see cref="Database"/> is Postgres (e.g. from the environment:
    /// <c>Portal__ConnectionString</c>); not used for SQLite, whose file is always in the data folder.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Proxies whose X-Forwarded-For header is trusted. Empty: the header is ignored.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Optional PKCS#12 file whose certificate encrypts the Data Protection keys at rest; empty: the keys rely on the owner-only folder.</summary>
    public string KeysCertificate { get; set; } = "";
    public string? KeysCertificatePassword { get; set; }

    /// <summary>The portal's time zone (IANA id, e.g. Europe/Berlin) for robot windows, "today" and times on pages; empty: the host's (TZ).</summary>
    public string TimeZone { get; set; } = "";

    /// <summary>
    /// The site's language (en-GB or de-DE; empty: English): for browsers that ask for none, and for automatic work that
    /// no user started (change feed, GDT, automatic burns, automation), whose stored texts then read in it.
    /// </summary>
    public string Language { get; set; } = "";

    /// <summary>The SQLite file (only used when <see cref="Database"/> is Sqlite).</summary>
    public string DatabasePath => Path.Combine(DataFolder, "portal.db");
    public string KeysFolder => Path.Combine(DataFolder, "keys");

    public string SubFolder(string name)
    {
        var path = Path.Combine(DataFolder, name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Makes DataFolder a full path; done once, where the options are bound.</summary>
    public void Normalize()
    {
        if (!string.IsNullOrWhiteSpace(DataFolder)) DataFolder = Path.GetFullPath(DataFolder);
    }

    /// <summary>The same binding, for the few things that must be known while services are registered (log file, key certificate).</summary>
    public static PortalOptions FromConfiguration(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<PortalOptions>() ?? new PortalOptions();
        options.Normalize();
        return options;
    }

    /// <summary>A folder from a setting: a relative one is taken under the data folder, never under the working directory.</summary>
    public string Resolve(string path) => Path.GetFullPath(path, DataFolder);
}

/// <summary>The engines the portal's own database can live on.</summary>
public enum PortalDatabase
{
    Sqlite,
    Postgres,
}
