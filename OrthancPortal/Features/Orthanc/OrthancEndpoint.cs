using System.Net.Http.Headers;
using System.Text;
using OrthancPortal.Features.Settings;

namespace OrthancPortal.Features.Orthanc;

/// <summary>Where Orthanc's REST API is and how to sign in to it.</summary>
public sealed record OrthancEndpoint(Uri BaseUri, string? Username, string? Password)
{
    public AuthenticationHeaderValue? Authorization => string.IsNullOrEmpty(Username)
        ? null
        : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}")));
}

/// <summary>Resolves the current endpoint: the managed process's loopback address and generated credentials, or the external settings.</summary>
public sealed class OrthancEndpointProvider(SettingsStore settings, ManagedOrthancState managed)
{
    public async Task<OrthancEndpoint> GetAsync(CancellationToken ct = default)
    {
        var s = await settings.GetAsync<OrthancSettings>(ct);
        if (s.Mode == OrthancMode.External)
        {
            return new OrthancEndpoint(WithTrailingSlash(new Uri(s.ExternalUrl)), s.ExternalUsername, s.ExternalPassword);
        }
        return managed.Endpoint ?? throw new OrthancException(OrthancFailure.Unreachable,
            managed.LastError is null ? "The managed Orthanc is still starting." : $"The managed Orthanc is not running: {managed.LastError}");
    }

    public static Uri WithTrailingSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}

/// <summary>
/// Sends each request to the current endpoint. The client uses relative URIs against a placeholder base, so the
/// connection (managed or external, changed in settings) can change without rebuilding HttpClient.
/// </summary>
public sealed class OrthancEndpointHandler(Func<CancellationToken, Task<OrthancEndpoint>> currentEndpoint) : DelegatingHandler
{
    public static readonly Uri PlaceholderBase = new("http://orthanc.invalid/");

    /// <summary>The registered handler: follows the settings and the managed process.</summary>
    public OrthancEndpointHandler(OrthancEndpointProvider endpoints) : this(endpoints.GetAsync) { }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var endpoint = await currentEndpoint(ct);
        var relative = PlaceholderBase.MakeRelativeUri(request.RequestUri!);
        request.RequestUri = new Uri(endpoint.BaseUri, relative);
        request.Headers.Authorization = endpoint.Authorization;
        try
        {
            return await base.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            throw OrthancException.FromTransport(endpoint.BaseUri, ex);
        }
    }
}
