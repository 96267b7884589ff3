namespace OrthancPortal.Features.Orthanc;

/// <summary>Orthanc's loaded plugins, and the protection flag that shields a patient from recycling.</summary>
public sealed partial class OrthancClient
{
    public Task<IReadOnlyList<string>> GetPluginIdsAsync(CancellationToken ct = default) => GetAsync<IReadOnlyList<string>>("plugins", ct);

    public Task<OrthancPlugin> GetPluginAsync(string id, CancellationToken ct = default) => GetAsync<OrthancPlugin>($"plugins/{PluginId(id)}", ct);

    /// <summary>Plugin ids have dots (explorer.js); a leading dot could walk up the URL.</summary>
    private static string PluginId(string id) => id.StartsWith('.') ? throw new OrthancException(OrthancFailure.BadRequest, $"'{id}' is not a plugin id.") : Name(id);

    /// <summary>Patient ids, a page at a time (Orthanc's since/limit paging).</summary>
    public Task<IReadOnlyList<string>> GetPatientIdsAsync(int since, int limit, CancellationToken ct = default)
        => GetAsync<IReadOnlyList<string>>($"patients?since={since}&limit={limit}", ct);

    public async Task<bool> IsPatientProtectedAsync(string patientId, CancellationToken ct = default)
        => (await GetAsync<string>($"patients/{Id(patientId)}/protected", ct)).Trim() == "1";
}

/// <summary>A plugin as Orthanc describes it (explorer.js has only an ID).</summary>
public sealed record OrthancPlugin(string ID, string? Version, string? Description, string? RootUri);
