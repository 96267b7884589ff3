namespace OrthancPortal.Features.Orthanc;

/// <summary>Orthanc's metadata of a resource (Origin, RemoteAET, AnonymizedFrom, ...), for telling where a study came from.</summary>
public sealed partial class OrthancClient
{
    /// <summary>GET /{level}/{id}/metadata?expand: every metadata item by name (1.10.1 and 1.12 alike).</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetMetadataAsync(ResourceLevel level, string id, CancellationToken ct = default)
        => await GetAsync<Dictionary<string, string>>($"{level.Path()}/{Id(id)}/metadata?expand", ct);
}
