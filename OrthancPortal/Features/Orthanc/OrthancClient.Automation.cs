namespace OrthancPortal.Features.Orthanc;

/// <summary>Raw files and archives, streamed (automation downloads and zips).</summary>
public sealed partial class OrthancClient
{
    /// <summary>GET /instances/{id}/file: the stored DICOM file. The caller disposes the response.</summary>
    public Task<HttpResponseMessage> GetInstanceFileAsync(string id, CancellationToken ct = default)
        => GetStreamingAsync($"instances/{Id(id)}/file", ct);

    /// <summary>GET /{studies|series}/{id}/archive: a zip Orthanc builds while it streams.</summary>
    public Task<HttpResponseMessage> GetArchiveAsync(ResourceLevel level, string id, CancellationToken ct = default)
        => GetStreamingAsync($"{level.Path()}/{Id(id)}/archive", ct);
}
