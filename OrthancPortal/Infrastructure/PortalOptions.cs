namespace OrthancPortal.Infrastructure;

/// <summary>Where the portal keeps its files. Bound from the "Portal" section; every path the portal writes is under DataFolder.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    public string DataFolder { get; set; } = "data";

    /// <summary>Proxies whose X-Forwarded-For header is trusted. Empty: the header is ignored.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Optional PKCS#12 file whose certificate encrypts the Data Protection keys at rest; empty: the keys rely on the owner-only folder.</summary>
    public string KeysCertificate { get; set; } = "";
    public string? KeysCertificatePassword { get; set; }

    public string DatabasePath => Path.Combine(DataFolder, "portal.db");
    public string KeysFolder => Path.Combine(DataFolder, "keys");

    public string SubFolder(string name)
    {
        var path = Path.Combine(DataFolder, name);
        Directory.CreateDirectory(path);
        return path;
    }
}
