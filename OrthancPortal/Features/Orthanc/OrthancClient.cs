using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrthancPortal.Features.Orthanc;

/// <summary>
/// The one typed client for Orthanc's REST API. Nothing else in the portal calls Orthanc. It is a partial
/// class: each area of the API (content, jobs, modalities, ...) lives in its own OrthancClient.Area.cs file.
/// Endpoint, credentials and resilience are set once in its registration (see OrthancServiceCollectionExtensions).
/// </summary>
public sealed partial class OrthancClient(HttpClient http)
{
    /// <summary>Orthanc's JSON uses PascalCase keys, exactly as our records name their properties.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    public Task<OrthancSystem> GetSystemAsync(CancellationToken ct = default) => GetAsync<OrthancSystem>("system", ct);

    /// <summary>/system asked once, without retries: a health probe must see Orthanc down while it is down.</summary>
    public async Task<OrthancSystem> ProbeSystemAsync(CancellationToken ct = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "system");
        request.Options.Set(OrthancResilience.NoRetry, true);
        using var response = await SendAsync(request, ct);
        return await ReadAsync<OrthancSystem>(response, ct);
    }

    public Task<OrthancStatistics> GetStatisticsAsync(CancellationToken ct = default) => GetAsync<OrthancStatistics>("statistics", ct);

    public Task<OrthancChanges> GetChangesAsync(long since, int limit, CancellationToken ct = default)
        => GetAsync<OrthancChanges>($"changes?since={since}&limit={limit}", ct);

    /// <summary>The sequence number of the newest change, so a new subscriber starts from "now".</summary>
    public async Task<long> GetLastChangeSeqAsync(CancellationToken ct = default)
        => (await GetAsync<OrthancChanges>("changes?last", ct)).Last;

    // ----- shared plumbing for every area of the client -----

    public async Task<T> GetAsync<T>(string path, CancellationToken ct = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);
        return await ReadAsync<T>(response, ct);
    }

    public async Task<TResponse> PostAsync<TResponse>(string path, object body, CancellationToken ct = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, body.GetType(), options: Json) }, ct);
        return await ReadAsync<TResponse>(response, ct);
    }

    public async Task PostAsync(string path, object? body, CancellationToken ct = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        using var response = await SendAsync(request, ct);
    }

    public async Task PutAsync(string path, object body, CancellationToken ct = default)
    {
        var content = body is string text ? new StringContent(text) : (HttpContent)JsonContent.Create(body, body.GetType(), options: Json);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Put, path) { Content = content }, ct);
    }

    public async Task DeleteAsync(string path, CancellationToken ct = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), ct);
    }

    /// <summary>
    /// Streams a response body (archives, images) without buffering it. The caller disposes the response.
    /// </summary>
    public async Task<HttpResponseMessage> GetStreamingAsync(string path, CancellationToken ct = default)
        => await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct, HttpCompletionOption.ResponseHeadersRead);

    /// <summary>Posts a request and streams the answer back, for routes that answer with a file.</summary>
    public async Task<HttpResponseMessage> PostStreamingAsync(string path, HttpContent content, CancellationToken ct = default)
        => await SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = content }, ct, HttpCompletionOption.ResponseHeadersRead);

    /// <summary>Sends any request (used by the viewer proxy and uploads). Throws <see cref="OrthancException"/> on a non-success answer.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, bool throwOnError = true)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, completion, ct);
        }
        catch (Polly.Timeout.TimeoutRejectedException ex)
        {
            throw OrthancResilience.TimedOut(request, ex);
        }
        if (!throwOnError || response.IsSuccessStatusCode) return response;
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            throw OrthancException.FromStatus(response.StatusCode, request.Method.Method, request.RequestUri?.AbsolutePath ?? "", body);
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not null && mediaType != "application/json" && typeof(T) != typeof(string))
        {
            throw new OrthancException(OrthancFailure.NotOrthanc, $"Expected JSON from Orthanc but got '{mediaType}'. Is the URL really an Orthanc server?");
        }
        if (typeof(T) == typeof(string)) return (T)(object)await response.Content.ReadAsStringAsync(ct);
        return await response.Content.ReadFromJsonAsync<T>(Json, ct)
            ?? throw new OrthancException(OrthancFailure.NotOrthanc, "Orthanc answered with an empty body.");
    }

    public static MediaTypeHeaderValue DicomMediaType { get; } = new("application/dicom");
}

/// <remarks><c>Capabilities</c> and <c>HasLabels</c> are new in 1.12 (absent on 1.10.1).</remarks>
public sealed record OrthancSystem(
    string Version, int ApiVersion, string DicomAet, int DicomPort, int HttpPort, string Name,
    int DatabaseVersion, bool PluginsEnabled, bool? CheckRevisions, string? StorageAreaPlugin, string? DatabaseBackendPlugin,
    OrthancSystemCapabilities? Capabilities = null, bool? HasLabels = null);

public sealed record OrthancSystemCapabilities(bool HasExtendedFind, bool HasExtendedChanges);

public sealed record OrthancStatistics(
    long CountPatients, long CountStudies, long CountSeries, long CountInstances, string TotalDiskSize, long TotalDiskSizeMB);

public sealed record OrthancChange(string ChangeType, string ID, string Path, string ResourceType, long Seq, string Date);

public sealed record OrthancChanges(IReadOnlyList<OrthancChange> Changes, bool Done, long Last);

public sealed partial class OrthancClient
{
    /// <summary>A client bound to one fixed endpoint (for "test connection" before settings are saved). Dispose the holder.</summary>
    public static OrthancClientHolder ForEndpoint(OrthancEndpoint endpoint, TimeSpan timeout)
    {
        var handler = new OrthancEndpointHandler(_ => Task.FromResult(endpoint)) { InnerHandler = new SocketsHttpHandler() };
        var http = new HttpClient(handler) { BaseAddress = OrthancEndpointHandler.PlaceholderBase, Timeout = timeout };
        return new OrthancClientHolder(new OrthancClient(http), http);
    }
}

public sealed class OrthancClientHolder(OrthancClient client, HttpClient http) : IDisposable
{
    public OrthancClient Client { get; } = client;
    public void Dispose() => http.Dispose();
}
