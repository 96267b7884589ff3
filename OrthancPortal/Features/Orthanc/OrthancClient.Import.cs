namespace OrthancPortal.Features.Orthanc;

/// <summary>Uploads for the import feature.</summary>
public sealed partial class OrthancClient
{
    /// <summary>
    /// Stores one DICOM file, streamed. With a known length the body goes with Content-Length instead of chunked
    /// encoding, which Orthanc's HTTP server receives several times faster.
    /// </summary>
    public async Task<OrthancStoreResult> StoreInstanceAsync(Stream dicom, long? length, CancellationToken ct = default)
    {
        var content = new StreamContent(dicom, 81920);
        content.Headers.ContentType = DicomMediaType;
        if (length is { } l) content.Headers.ContentLength = l;
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, "instances") { Content = content }, ct);
        return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<OrthancStoreResult>(response.Content, Json, ct))!;
    }
}
