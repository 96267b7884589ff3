using System.Text.Json.Nodes;

namespace OrthancPortal.Features.Orthanc;

/// <summary>DICOM modalities and Orthanc peers, and sending studies to them.</summary>
public sealed partial class OrthancClient
{
    public Task<IReadOnlyDictionary<string, OrthancModality>> GetModalitiesAsync(CancellationToken ct = default)
        => GetAsync<IReadOnlyDictionary<string, OrthancModality>>("modalities?expand", ct);

    public Task PutModalityAsync(string name, OrthancModality modality, CancellationToken ct = default)
        => PutAsync($"modalities/{Name(name)}", modality, ct);

    public Task DeleteModalityAsync(string name, CancellationToken ct = default) => DeleteAsync($"modalities/{Name(name)}", ct);

    /// <summary>C-ECHO; throws <see cref="OrthancException"/> with Orthanc's reason when it fails.</summary>
    public Task EchoAsync(string name, int timeoutSeconds = 10, CancellationToken ct = default)
        => PostAsync($"modalities/{Name(name)}/echo", new { Timeout = timeoutSeconds }, ct);

    /// <summary>C-STORE of Orthanc resources to a modality, as an asynchronous job.</summary>
    public Task<OrthancJobStarted> StoreToModalityAsync(string name, IReadOnlyList<string> resources, CancellationToken ct = default)
        => PostAsync<OrthancJobStarted>($"modalities/{Name(name)}/store", new { Resources = resources, Asynchronous = true, Permissive = false }, ct);

    public Task<IReadOnlyDictionary<string, JsonObject>> GetPeersAsync(CancellationToken ct = default)
        => GetAsync<IReadOnlyDictionary<string, JsonObject>>("peers?expand", ct);

    public Task PutPeerAsync(string name, OrthancPeer peer, CancellationToken ct = default) => PutAsync($"peers/{Name(name)}", peer, ct);

    public Task DeletePeerAsync(string name, CancellationToken ct = default) => DeleteAsync($"peers/{Name(name)}", ct);

    /// <summary>Checks that a peer answers (GET /peers/{name}/system).</summary>
    public Task<JsonObject> TestPeerAsync(string name, CancellationToken ct = default) => GetAsync<JsonObject>($"peers/{Name(name)}/system", ct);

    public Task<OrthancJobStarted> StoreToPeerAsync(string name, IReadOnlyList<string> resources, CancellationToken ct = default)
        => PostAsync<OrthancJobStarted>($"peers/{Name(name)}/store", new { Resources = resources, Asynchronous = true }, ct);

    /// <summary>Modality and peer names are symbolic; keep them to a safe alphabet so they can never alter a URL path.</summary>
    public static string Name(string name)
    {
        // A name of dots alone would walk the URL up ("peers/../system" is GET /system).
        if (string.IsNullOrEmpty(name) || name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || name.Trim('.').Length == 0)
        {
            throw new OrthancException(OrthancFailure.BadRequest, $"'{name}' is not a valid modality or peer name (letters, digits, '-', '_', '.').");
        }
        return name;
    }
}

public sealed record OrthancModality
{
    public string AET { get; init; } = "";
    public string Host { get; init; } = "";
    public int Port { get; init; }
    public string? Manufacturer { get; init; }
    public bool? AllowEcho { get; init; }
    public bool? AllowFind { get; init; }
    public bool? AllowGet { get; init; }
    public bool? AllowMove { get; init; }
    public bool? AllowStore { get; init; }
    public bool? AllowTranscoding { get; init; }
}

public sealed record OrthancPeer
{
    public string Url { get; init; } = "";
    public string? Username { get; init; }
    public string? Password { get; init; }
}
