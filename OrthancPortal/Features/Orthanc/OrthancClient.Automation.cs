namespace OrthancPortal.Features.Orthanc;

/// <summary>Raw files and archives, streamed (automation downloads and zips), and every tag of a study (the intake's check).</summary>
public sealed partial class OrthancClient
{
    /// <summary>
    /// GET /studies/{id}/instances-tags: every instance's tags in Orthanc's full form
    /// ({"0010,0010": {"Name", "Type", "Value"}}, pixel data left out), keyed by instance id.
    /// </summary>
    public Task<Dictionary<string, System.Text.Json.Nodes.JsonObject>> GetStudyInstancesTagsAsync(string studyId, CancellationToken ct = default)
        => GetAsync<Dictionary<string, System.Text.Json.Nodes.JsonObject>>($"studies/{Id(studyId)}/instances-tags", ct);

    /// <summary>GET /instances/{id}/file: the stored DICOM file. The caller disposes the response.</summary>
    public Task<HttpResponseMessage> GetInstanceFileAsync(string id, CancellationToken ct = default)
        => GetStreamingAsync($"instances/{Id(id)}/file", ct);

    /// <summary>GET /{studies|series}/{id}/archive: a zip Orthanc builds while it streams.</summary>
    public Task<HttpResponseMessage> GetArchiveAsync(ResourceLevel level, string id, CancellationToken ct = default)
        => GetStreamingAsync($"{level.Path()}/{Id(id)}/archive", ct);
}
