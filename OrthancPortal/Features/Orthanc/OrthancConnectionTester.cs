namespace OrthancPortal.Features.Orthanc;

/// <summary>The settings page's "Test connection": tries a URL and credentials before they are saved.</summary>
public sealed class OrthancConnectionTester(TimeProvider clock)
{
    public async Task<OrthancHealth> TestAsync(string url, string? username, string? password, CancellationToken ct = default)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return new(false, null, null, "That is not a valid URL.", OrthancFailure.HostNotFound, clock.GetUtcNow().UtcDateTime);
        }
        using var client = OrthancClient.ForEndpoint(new OrthancEndpoint(OrthancEndpointProvider.WithTrailingSlash(uri), username, password), TimeSpan.FromSeconds(10));
        return await OrthancHealthMonitor.ProbeAsync(client.Client, clock, ct);
    }
}
