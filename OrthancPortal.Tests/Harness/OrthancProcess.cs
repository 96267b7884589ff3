using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Tests.Harness;

/// <summary>Which Orthanc a test starts.</summary>
public enum OrthancBuild
{
    /// <summary>The portal's own Orthanc: Debian trixie's 1.12 from the tree that scripts/orthanc-tree.sh builds (see <see cref="TestEnvironment.OrthancTree"/>).</summary>
    Portal,
    /// <summary>The host's Debian package (1.10.1 on bookworm): a "remote PACS" or an older external Orthanc.</summary>
    System,
}

/// <summary>
/// A real Orthanc on free loopback ports with its own temporary storage: the portal's 1.12 or the system's 1.10.1.
/// Started by the tests, always stopped and deleted by <see cref="DisposeAsync"/>.
/// </summary>
public sealed class OrthancProcess : IAsyncDisposable
{
    public const string Username = "test";
    public const string Password = "test-password";

    private readonly Process process;
    public string Aet { get; }
    public int HttpPort { get; }
    public int DicomPort { get; }
    public string Folder { get; }
    public Uri Url => new($"http://127.0.0.1:{HttpPort}/");
    public string WorklistFolder => Path.Combine(Folder, "worklists");
    /// <summary>Orthanc's version as its /system reports it (e.g. "1.12.7").</summary>
    public string Version { get; private set; } = "";

    /// <summary>For the benchmarks, which read its CPU time and memory from /proc.</summary>
    public int ProcessId => process.Id;

    /// <summary>A client with the test credentials, for checking Orthanc's state from tests.</summary>
    public HttpClient Http { get; }

    private OrthancProcess(Process process, string aet, int httpPort, int dicomPort, string folder)
    {
        this.process = process;
        Aet = aet;
        HttpPort = httpPort;
        DicomPort = dicomPort;
        Folder = folder;
        Http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}")));
    }

    /// <param name="modalities">Other DICOM nodes this Orthanc knows, by name: (AET, port) on loopback.</param>
    public static async Task<OrthancProcess> StartAsync(string aet, IDictionary<string, (string Aet, int Port)>? modalities = null,
        int stableAgeSeconds = 2, bool worklists = false, bool dicomWeb = false, Action<JsonObject>? configure = null,
        OrthancBuild build = OrthancBuild.Portal)
    {
        var installation = build == OrthancBuild.Portal ? new OrthancInstallation { TreeRoot = TestEnvironment.OrthancTree } : new OrthancInstallation();
        var folder = TestEnvironment.NewTempFolder($"orthanc-{aet.ToLowerInvariant()}");
        var httpPort = TestEnvironment.FreePort();
        var dicomPort = TestEnvironment.FreePort();
        var mods = new JsonObject();
        foreach (var (name, m) in modalities ?? new Dictionary<string, (string, int)>()) mods[name] = new JsonArray(m.Aet, "127.0.0.1", m.Port);
        var plugins = new JsonArray();
        if (worklists) plugins.Add(Plugin(installation, "libModalityWorklists.so"));
        if (dicomWeb) plugins.Add(Plugin(installation, "libOrthancDicomWeb.so"));
        Directory.CreateDirectory(Path.Combine(folder, "worklists"));
        var config = new JsonObject
        {
            ["Name"] = aet,
            ["StorageDirectory"] = Path.Combine(folder, "storage"),
            ["IndexDirectory"] = Path.Combine(folder, "storage"),
            ["HttpPort"] = httpPort,
            ["DicomPort"] = dicomPort,
            ["DicomAet"] = aet,
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = true,
            ["RegisteredUsers"] = new JsonObject { [Username] = Password },
            ["DicomModalities"] = mods,
            ["DicomModalitiesInDatabase"] = true,
            ["OrthancPeersInDatabase"] = true,
            ["StableAge"] = stableAgeSeconds,
            ["DicomAlwaysAllowEcho"] = true,
            ["DicomAlwaysAllowStore"] = true,
            ["DicomCheckCalledAet"] = false,
            ["UnknownSopClassAccepted"] = true,
            ["Plugins"] = plugins,
            ["Worklists"] = new JsonObject { ["Enable"] = worklists, ["Database"] = Path.Combine(folder, "worklists") },
            ["DicomWeb"] = new JsonObject { ["Enable"] = dicomWeb, ["Root"] = "/dicom-web/" },
        };
        configure?.Invoke(config);
        var configPath = Path.Combine(folder, "orthanc.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString());
        var start = installation.CreateStartInfo([$"--logfile={Path.Combine(folder, "orthanc.log")}", configPath]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var orthanc = new OrthancProcess(process, aet, httpPort, dicomPort, folder);
        await orthanc.WaitReadyAsync();
        return orthanc;
    }

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"Orthanc {Aet} exited at start: {ReadLog()}");
            try
            {
                var system = await Http.GetAsync("system");
                if (system.IsSuccessStatusCode)
                {
                    Version = JsonNode.Parse(await system.Content.ReadAsStringAsync())!["Version"]!.GetValue<string>();
                    return;
                }
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Orthanc {Aet} did not start: {ReadLog()}");
    }

    private static string Plugin(OrthancInstallation installation, string name)
        => installation.FindPlugin(name) ?? throw new InvalidOperationException($"The Orthanc plugin {name} is missing ({installation.Describe()}).");

    public string ReadLog()
    {
        var log = Path.Combine(Folder, "orthanc.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no log)";
    }

    public async Task<JsonNode> GetJsonAsync(string path) => (await Http.GetFromJsonAsync<JsonNode>(path))!;

    public async Task<int> CountAsync(string level) => (await GetJsonAsync(level)).AsArray().Count;

    /// <summary>Deletes everything, so tests sharing this Orthanc start from empty.</summary>
    public async Task ClearAsync()
    {
        foreach (var id in (await GetJsonAsync("patients")).AsArray()) await Http.DeleteAsync($"patients/{id}");
    }

    /// <summary>Adds (or replaces) a DICOM modality this Orthanc can talk to.</summary>
    public async Task AddModalityAsync(string name, string aet, int port)
    {
        var response = await Http.PutAsync($"modalities/{name}", new StringContent(new JsonArray(aet, "127.0.0.1", port).ToJsonString()));
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException) { }
        process.Dispose();
        TestEnvironment.DeleteQuietly(Folder);
    }
}
