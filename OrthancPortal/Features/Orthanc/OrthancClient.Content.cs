using System.Text.Json.Nodes;

namespace OrthancPortal.Features.Orthanc;

/// <summary>Patients, studies, series and instances: finding, reading, changing and deleting them.</summary>
public sealed partial class OrthancClient
{
    /// <summary>
    /// POST /tools/find with Expand. <paramref name="orderBy"/> needs ExtendedFind (1.12.5+, see
    /// <see cref="OrthancCapabilities"/>): Orthanc 1.10.1 ignores it without an error and pages over its own order.
    /// Orthanc refuses Limit/Since when the query filters on a tag its database does not store (not a main DICOM tag).
    /// </summary>
    public Task<IReadOnlyList<OrthancStudy>> FindStudiesAsync(IDictionary<string, string> query, int? limit = null, int? since = null,
        IReadOnlyList<FindOrder>? orderBy = null, CancellationToken ct = default, LabelFilter? labels = null)
        => PostAsync<IReadOnlyList<OrthancStudy>>("tools/find", new FindRequest("Study", query, true, limit, since, orderBy,
            labels?.Labels, labels?.Match.ToString(), StudyRequestedTags), ct);

    // Computed by Orthanc 1.11+ for each answer (1.10.1 ignores the field, so the study list's modality column stays empty there).
    private static readonly IReadOnlyList<string> StudyRequestedTags = ["ModalitiesInStudy"];

    /// <summary>POST /tools/count-resources (ExtendedFind only): how many resources match, without listing them.</summary>
    public async Task<long> CountResourcesAsync(string level, IDictionary<string, string> query, CancellationToken ct = default, LabelFilter? labels = null)
        => (await PostAsync<CountAnswer>("tools/count-resources", new CountRequest(level, query, labels?.Labels, labels?.Match.ToString()), ct)).Count;

    public Task<IReadOnlyList<OrthancSeries>> FindSeriesAsync(IDictionary<string, string> query, int? limit = null, int? since = null, CancellationToken ct = default)
        => PostAsync<IReadOnlyList<OrthancSeries>>("tools/find", new FindRequest("Series", query, true, limit, since), ct);

    public Task<IReadOnlyList<OrthancPatient>> FindPatientsAsync(IDictionary<string, string> query, int? limit = null, int? since = null, CancellationToken ct = default)
        => PostAsync<IReadOnlyList<OrthancPatient>>("tools/find", new FindRequest("Patient", query, true, limit, since), ct);

    /// <summary>Only the Orthanc ids that match (cheap: no expansion).</summary>
    public Task<IReadOnlyList<string>> FindIdsAsync(string level, IDictionary<string, string> query, int? limit = null, int? since = null, CancellationToken ct = default)
        => PostAsync<IReadOnlyList<string>>("tools/find", new FindRequest(level, query, false, limit, since), ct);

    public Task<OrthancPatient> GetPatientAsync(string id, CancellationToken ct = default) => GetAsync<OrthancPatient>($"patients/{Id(id)}", ct);
    public Task<OrthancStudy> GetStudyAsync(string id, CancellationToken ct = default) => GetAsync<OrthancStudy>($"studies/{Id(id)}", ct);
    public Task<OrthancSeries> GetSeriesAsync(string id, CancellationToken ct = default) => GetAsync<OrthancSeries>($"series/{Id(id)}", ct);
    public Task<OrthancInstance> GetInstanceAsync(string id, CancellationToken ct = default) => GetAsync<OrthancInstance>($"instances/{Id(id)}", ct);

    /// <summary>GET /studies/{id}/statistics: how many series and instances, and their size on disk.</summary>
    public Task<OrthancResourceStatistics> GetStudyStatisticsAsync(string id, CancellationToken ct = default)
        => GetAsync<OrthancResourceStatistics>($"studies/{Id(id)}/statistics", ct);

    public Task<IReadOnlyList<OrthancStudy>> GetPatientStudiesAsync(string patientId, CancellationToken ct = default)
        => GetAsync<IReadOnlyList<OrthancStudy>>($"patients/{Id(patientId)}/studies", ct);
    public Task<IReadOnlyList<OrthancSeries>> GetStudySeriesAsync(string studyId, CancellationToken ct = default)
        => GetAsync<IReadOnlyList<OrthancSeries>>($"studies/{Id(studyId)}/series", ct);
    public Task<IReadOnlyList<OrthancInstance>> GetSeriesInstancesAsync(string seriesId, CancellationToken ct = default)
        => GetAsync<IReadOnlyList<OrthancInstance>>($"series/{Id(seriesId)}/instances", ct);
    public Task<IReadOnlyList<OrthancInstance>> GetStudyInstancesAsync(string studyId, CancellationToken ct = default)
        => GetAsync<IReadOnlyList<OrthancInstance>>($"studies/{Id(studyId)}/instances", ct);

    /// <summary>The full tag tree with sequences (GET /instances/{id}/tags).</summary>
    public Task<JsonObject> GetInstanceTagsAsync(string id, CancellationToken ct = default) => GetAsync<JsonObject>($"instances/{Id(id)}/tags", ct);

    /// <summary>Tag name to value (GET /instances/{id}/simplified-tags); sequences become arrays of objects.</summary>
    public Task<JsonObject> GetSimplifiedTagsAsync(string id, CancellationToken ct = default) => GetAsync<JsonObject>($"instances/{Id(id)}/simplified-tags", ct);

    public Task<JsonObject> GetStudySharedTagsAsync(string studyId, CancellationToken ct = default)
        => GetAsync<JsonObject>($"studies/{Id(studyId)}/shared-tags?simplify", ct);

    /// <summary>Deletes a resource at any level ("patients", "studies", "series", "instances").</summary>
    public Task DeleteResourceAsync(ResourceLevel level, string id, CancellationToken ct = default) => DeleteAsync($"{level.Path()}/{Id(id)}", ct);

    public async Task<bool> IsProtectedAsync(string patientId, CancellationToken ct = default)
        => (await GetAsync<string>($"patients/{Id(patientId)}/protected", ct)).Trim() == "1";

    public Task SetProtectedAsync(string patientId, bool isProtected, CancellationToken ct = default)
        => PutAsync($"patients/{Id(patientId)}/protected", isProtected ? "1" : "0", ct);

    /// <summary>POST /{level}/{id}/modify (asynchronous): returns the Orthanc job.</summary>
    public Task<OrthancJobStarted> ModifyAsync(ResourceLevel level, string id, ModifyRequest request, CancellationToken ct = default)
        => PostAsync<OrthancJobStarted>($"{level.Path()}/{Id(id)}/modify", request with { Asynchronous = true }, ct);

    /// <summary>POST /{level}/{id}/anonymize (asynchronous): returns the Orthanc job.</summary>
    public Task<OrthancJobStarted> AnonymizeAsync(ResourceLevel level, string id, AnonymizeRequest request, CancellationToken ct = default)
        => PostAsync<OrthancJobStarted>($"{level.Path()}/{Id(id)}/anonymize", request with { Asynchronous = true }, ct);

    /// <summary>Maps a DICOM UID (study, series or SOP instance) or patient id to Orthanc resources.</summary>
    public Task<IReadOnlyList<OrthancLookup>> LookupAsync(string value, CancellationToken ct = default)
        => PostRawAsync<IReadOnlyList<OrthancLookup>>("tools/lookup", value, ct);

    /// <summary>Stores one DICOM file (the body is streamed, never buffered here); a seekable stream sends its length.</summary>
    public Task<OrthancStoreResult> StoreInstanceAsync(Stream dicom, CancellationToken ct = default)
        => StoreInstanceAsync(dicom, dicom.CanSeek ? dicom.Length - dicom.Position : null, ct);

    /// <summary>
    /// Transfer syntaxes the portal offers for transcoding (download, export, burn). Which of them the current Orthanc
    /// writes: <see cref="OrthancCapabilities.TranscodeTargets"/>. JPEG-LS is left out on purpose: with the GDCM plugin
    /// loaded, a transcode to JPEG-LS crashed Orthanc (1.10.1 and 1.12.7, seen here).
    /// </summary>
    public static IReadOnlyList<(string Uid, string Name)> TranscodeTargets { get; } =
    [
        ("1.2.840.10008.1.2.1", "Explicit VR Little Endian (uncompressed)"),
        ("1.2.840.10008.1.2", "Implicit VR Little Endian (uncompressed)"),
        ("1.2.840.10008.1.2.4.70", "JPEG Lossless"),
        ("1.2.840.10008.1.2.4.50", "JPEG Baseline (lossy, 8-bit images)"),
        ("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless"),
        ("1.2.840.10008.1.2.5", "RLE Lossless"),
    ];

    private async Task<T> PostRawAsync<T>(string path, string body, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body) }, ct);
        return await ReadAsync<T>(response, ct);
    }

    /// <summary>Orthanc ids are SHA-1 style hex with dashes; refuse anything else so user input can never steer the path.</summary>
    public static string Id(string id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64 || !id.All(c => char.IsAsciiHexDigit(c) || c == '-'))
        {
            throw new OrthancException(OrthancFailure.BadRequest, $"'{id}' is not an Orthanc resource id.");
        }
        return id;
    }

    // Labels/LabelsConstraint need Orthanc 1.12 (HasLabels): 1.10.1 ignores them without an error.
    private sealed record FindRequest(string Level, IDictionary<string, string> Query, bool Expand, int? Limit, int? Since, IReadOnlyList<FindOrder>? OrderBy = null,
        IReadOnlyList<string>? Labels = null, string? LabelsConstraint = null, IReadOnlyList<string>? RequestedTags = null);
    private sealed record CountRequest(string Level, IDictionary<string, string> Query, IReadOnlyList<string>? Labels = null, string? LabelsConstraint = null);
    private sealed record CountAnswer(long Count);
}

/// <summary>One key of an ExtendedFind sort: a DICOM tag by name, "ASC" or "DESC".</summary>
public sealed record FindOrder(string Key, string Direction, string Type = "DicomTag");

/// <summary>Orthanc sends the sizes as strings; the client's JSON options read them as numbers.</summary>
public sealed record OrthancResourceStatistics(int CountSeries, int CountInstances, long DiskSize, long UncompressedSize);

public enum ResourceLevel { Patient, Study, Series, Instance }

public static class ResourceLevelExtensions
{
    public static string Path(this ResourceLevel level) => level switch
    {
        ResourceLevel.Patient => "patients",
        ResourceLevel.Study => "studies",
        ResourceLevel.Series => "series",
        _ => "instances",
    };
}

public sealed record OrthancPatient(string ID, IReadOnlyDictionary<string, string> MainDicomTags, IReadOnlyList<string> Studies, bool IsStable, string? LastUpdate)
{
    public string Tag(string name) => MainDicomTags.GetValueOrDefault(name) ?? "";
}

public sealed record OrthancStudy(string ID, string ParentPatient, IReadOnlyDictionary<string, string> MainDicomTags,
    IReadOnlyDictionary<string, string> PatientMainDicomTags, IReadOnlyList<string> Series, bool IsStable, string? LastUpdate,
    IReadOnlyList<string>? Labels = null, IReadOnlyDictionary<string, string>? RequestedTags = null)
{
    public string Tag(string name) => MainDicomTags.GetValueOrDefault(name) ?? PatientMainDicomTags.GetValueOrDefault(name) ?? RequestedTags?.GetValueOrDefault(name) ?? "";
}

public sealed record OrthancSeries(string ID, string ParentStudy, IReadOnlyDictionary<string, string> MainDicomTags, IReadOnlyList<string> Instances,
    bool IsStable, string? Status, int? ExpectedNumberOfInstances, string? LastUpdate)
{
    public string Tag(string name) => MainDicomTags.GetValueOrDefault(name) ?? "";
}

public sealed record OrthancInstance(string ID, string ParentSeries, IReadOnlyDictionary<string, string> MainDicomTags, long FileSize, string? FileUuid, int? IndexInSeries)
{
    public string Tag(string name) => MainDicomTags.GetValueOrDefault(name) ?? "";
}

public sealed record OrthancLookup(string ID, string Path, string Type);

/// <summary>Answer of POST /instances. Status is "Success" or "AlreadyStored".</summary>
public sealed record OrthancStoreResult(string ID, string Path, string Status, string ParentPatient, string ParentStudy, string ParentSeries);

public sealed record OrthancJobStarted(string ID, string Path);

public sealed record ModifyRequest
{
    public IDictionary<string, string>? Replace { get; init; }
    public IReadOnlyList<string>? Remove { get; init; }
    public IReadOnlyList<string>? Keep { get; init; }
    public bool? Force { get; init; }
    public bool? KeepSource { get; init; }
    public bool? RemovePrivateTags { get; init; }
    public string? Transcode { get; init; }
    public bool Asynchronous { get; init; }
    public int? Priority { get; init; }
}

public sealed record AnonymizeRequest
{
    public IDictionary<string, string>? Replace { get; init; }
    public IReadOnlyList<string>? Remove { get; init; }
    public IReadOnlyList<string>? Keep { get; init; }
    public bool KeepPrivateTags { get; init; }
    public bool Force { get; init; } = true;
    public bool KeepSource { get; init; } = true;
    /// <summary>"2008", "2017c" or "2021b" (Orthanc 1.10.1's default).</summary>
    public string DicomVersion { get; init; } = "2021b";
    public bool Asynchronous { get; init; }
    public int? Priority { get; init; }
}
