using System.Text.Json.Nodes;

namespace OrthancPortal.Features.Orthanc;

/// <summary>
/// The managed Orthanc keeps its index (patients, studies, series, instances, changes, labels) in PostgreSQL through
/// Debian's orthanc-postgresql plugin instead of its own SQLite file; the DICOM files stay in the data folder
/// (<c>EnableStorage: false</c>). Orthanc's documentation advises its SQLite index only up to some 25,000-50,000
/// instances. A deployment fact like <see cref="OrthancInstallation"/>: read from configuration only (section
/// <c>OrthancPostgresIndex</c>, the password e.g. from <c>OrthancPostgresIndex__Password</c>), never edited in the UI,
/// because pointing a running Orthanc at another index makes every stored study disappear from it.
/// An external Orthanc is configured by its own administrator (the same "PostgreSQL" section in its configuration).
/// </summary>
public sealed class OrthancPostgresIndex
{
    public const string Section = "OrthancPostgresIndex";
    public const string PluginFile = "libOrthancPostgreSQLIndex.so";

    public bool Enabled { get; set; }
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 5432;
    public string Database { get; set; } = "orthanc";
    public string Username { get; set; } = "orthanc";
    public string? Password { get; set; }

    /// <summary>The plugin locks its database so a second Orthanc cannot write the same index; keep it on unless the Orthanc Book's multiple-writers setup is meant.</summary>
    public bool Lock { get; set; } = true;

    /// <summary>The "PostgreSQL" section of Orthanc's configuration. Waits for a server that is still starting (retries every 5 s, 12 times) instead of failing at once.</summary>
    public JsonObject ToOrthancSection()
    {
        if (string.IsNullOrWhiteSpace(Host) || string.IsNullOrWhiteSpace(Database) || string.IsNullOrWhiteSpace(Username) || Port is < 1 or > 65535)
        {
            throw new InvalidOperationException($"{Section} is enabled but incomplete: give Host, Port, Database and Username (and Password).");
        }
        return new JsonObject
        {
            ["EnableIndex"] = true,
            ["EnableStorage"] = false,
            ["Host"] = Host,
            ["Port"] = Port,
            ["Database"] = Database,
            ["Username"] = Username,
            ["Password"] = Password ?? "",
            ["Lock"] = Lock,
            ["MaximumConnectionRetries"] = 12,
            ["ConnectionRetryInterval"] = 5,
        };
    }
}
