namespace OrthancPortal.Features.Orthanc;

/// <summary>DICOMDIR media for disc burning.</summary>
public sealed partial class OrthancClient
{
    /// <summary>
    /// POST /tools/create-media-extended as an Orthanc job (extended: DICOMDIR with the extra tags viewers on discs
    /// expect). Follow it with <see cref="WaitForJobAsync"/> and stream the zip with <see cref="GetJobArchiveAsync"/>;
    /// the asynchronous form gives progress and never holds a large answer behind the header timeout.
    /// A transcode Orthanc would not do fails here (<see cref="EnsureTranscodableAsync"/>) instead of burning the originals.
    /// </summary>
    public async Task<OrthancJobStarted> CreateMediaJobAsync(IReadOnlyList<string> resources, string? transcode, CancellationToken ct = default)
    {
        var ids = resources.Select(Id).ToList();
        if (!string.IsNullOrEmpty(transcode)) await EnsureTranscodableAsync(ids, transcode, ct);
        return await PostAsync<OrthancJobStarted>("tools/create-media-extended", new MediaRequest(ids, string.IsNullOrEmpty(transcode) ? null : transcode, true), ct);
    }

    private sealed record MediaRequest(IReadOnlyList<string> Resources, string? Transcode, bool Asynchronous);
}
