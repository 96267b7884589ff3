using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure.Live;

namespace OrthancPortal.Features.Orthanc;

/// <summary>
/// What the Orthanc the portal talks to can do, from its /system. Features ask this instead of comparing versions:
/// the managed Orthanc is 1.12, an external one may be 1.10.1, which ignores OrderBy and Labels in /tools/find
/// without an error (so a feature that assumed them would silently show wrong results).
/// </summary>
/// <param name="HasGdcm">The GDCM plugin is loaded: it writes JPEG 2000 and RLE, which Orthanc's own DCMTK codecs do not.</param>
/// <param name="HasPostgresIndex">Orthanc keeps its index in PostgreSQL (the orthanc-postgresql index plugin is loaded).</param>
public sealed record OrthancCapabilities(string Version, int ApiVersion, bool HasExtendedFind, bool HasLabels, bool HasGdcm, bool HasPostgresIndex = false)
{
    /// <summary>The plugin id the PostgreSQL index plugin reports in /plugins.</summary>
    public const string PostgresIndexPlugin = "postgresql-index";

    /// <summary>
    /// Why the study list cannot sort or count on this Orthanc, in words for the page (null when it can). Orthanc 1.12.7
    /// on Debian trixie's PostgreSQL index plugin (5.0) is such a case although its version is new enough: ExtendedFind
    /// is a capability of the index, and the plugin has it only from 7.0.
    /// </summary>
    public string? SortUnavailableReason => HasExtendedFind ? null : HasPostgresIndex
        ? $"Sorting and counting are not available: this Orthanc (version {Version}) keeps its index in PostgreSQL with a plugin that cannot sort or count " +
          "(Debian trixie's orthanc-postgresql 5.0; 7.0 or newer can). Studies appear in the order Orthanc stored them."
        : $"Sorting and counting are not available on this Orthanc (version {Version}): studies appear in the order Orthanc stored them. " +
          "Orthanc 1.12.5 or newer sorts and counts on the server.";

    /// <summary>Written only by the GDCM plugin (checked on 1.10.1 and 1.12.7: without it, Orthanc silently keeps the original).</summary>
    private static readonly HashSet<string> GdcmOnly = ["1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.5"];

    public static OrthancCapabilities From(OrthancSystem system, IEnumerable<string> plugins)
    {
        var ids = plugins.ToList();
        return new(system.Version, system.ApiVersion, system.Capabilities?.HasExtendedFind ?? false, system.HasLabels ?? false, ids.Contains("gdcm"),
            ids.Contains(PostgresIndexPlugin));
    }

    /// <summary>The transcode targets this Orthanc can write (JPEG Baseline still only from 8-bit images: the export checks each series).</summary>
    public IReadOnlyList<(string Uid, string Name)> TranscodeTargets
        => OrthancClient.TranscodeTargets.Where(t => HasGdcm || !GdcmOnly.Contains(t.Uid)).ToList();

    /// <summary>Whether <paramref name="system"/> is still the Orthanc these capabilities describe.</summary>
    public bool Describes(OrthancSystem system)
        => system.Version == Version && system.ApiVersion == ApiVersion && (system.Capabilities?.HasExtendedFind ?? false) == HasExtendedFind;
}

/// <summary>
/// Reads <see cref="OrthancCapabilities"/> once per connection and keeps them until the connection changes:
/// other settings, or another managed process (whose endpoint carries fresh credentials), or an Orthanc that the
/// health monitor sees answering with another version (an external one upgraded and restarted).
/// </summary>
public sealed class OrthancCapabilitiesProvider : IDisposable
{
    private readonly OrthancEndpointProvider endpoints;
    private readonly IServiceScopeFactory scopes;
    private readonly IDisposable[] subscriptions;
    private volatile Cached? cached;

    private sealed record Cached(OrthancEndpoint Endpoint, OrthancCapabilities Capabilities);

    public OrthancCapabilitiesProvider(OrthancEndpointProvider endpoints, IServiceScopeFactory scopes, LiveNotifier notifier)
    {
        this.endpoints = endpoints;
        this.scopes = scopes;
        subscriptions =
        [
            notifier.Subscribe<SettingsChanged>(c => { if (c.Section == OrthancSettings.SectionName) cached = null; return Task.CompletedTask; }),
            notifier.Subscribe<ManagedOrthancChanged>(_ => { cached = null; return Task.CompletedTask; }),
            notifier.Subscribe<OrthancHealth>(h =>
            {
                if (h.System is { } s && cached is { } c && !c.Capabilities.Describes(s)) cached = null;
                return Task.CompletedTask;
            }),
        ];
    }

    /// <summary>The current Orthanc's capabilities; throws <see cref="OrthancException"/> when it cannot be reached.</summary>
    public async Task<OrthancCapabilities> GetAsync(CancellationToken ct = default)
    {
        var endpoint = await endpoints.GetAsync(ct);
        if (cached is { } c && c.Endpoint == endpoint) return c.Capabilities;
        await using var scope = scopes.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<OrthancClient>();
        var system = await client.GetSystemAsync(ct);
        var capabilities = OrthancCapabilities.From(system, await client.GetPluginIdsAsync(ct));
        cached = new Cached(endpoint, capabilities);
        return capabilities;
    }

    public void Dispose()
    {
        foreach (var s in subscriptions) s.Dispose();
    }
}
