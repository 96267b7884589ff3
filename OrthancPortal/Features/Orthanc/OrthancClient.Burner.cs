namespace OrthancPortal.Features.Orthanc;

/// <summary>DICOMDIR media for disc burning.</summary>
public sealed partial class OrthancClient
{
    /// <summary>
    /// POST /tools/create-media-extended as an Orthanc job (extended: DICOMDIR with the extra tags viewers on discs
    /// expect). Follow it with <see cref="WaitForJobAsync"/> and stream the zip with <see cref="GetJobArchiveAsync"/>;
    /// the asynchronous form gives progress and never holds a large answer behind the header timeout.
    /// </summary>
    public Task<OrthancJobStarted> CreateMediaJobAsync(IReadOnlyList<string> resources, string? transcode, CancellationToken ct = default)
        => PostAsync<OrthancJobStarted>("tools/create-media-extended",
            new MediaRequest(resources.Select(Id).ToList(), string.IsNullOrEmpty(transcode) ? null : transcode, true), ct);

    private sealed record MediaRequest(IReadOnlyList<string> Resources, string? Transcode, bool Asynchronous);
}
