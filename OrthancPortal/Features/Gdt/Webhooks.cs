using Microsoft.Extensions.Localization;

namespace OrthancPortal.Features.Gdt;

/// <summary>
/// Calls the URLs an office configures (e.g. to dim the lights when an entry is added). A short timeout; a
/// failure is logged and returned as text for the record, and never undoes the work that triggered it.
/// </summary>
public sealed class Webhooks(IHttpClientFactory clients, IStringLocalizer<Webhooks> L, ILogger<Webhooks> logger)
{
    public const string ClientName = "webhooks";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>GETs <paramref name="url"/>; returns "200 OK" or "failed: reason".</summary>
    public async Task<string> CallAsync(string url, string purpose, CancellationToken ct = default)
    {
        try
        {
            using var response = await clients.CreateClient(ClientName).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            var result = $"{(int)response.StatusCode} {response.ReasonPhrase}";
            if (!response.IsSuccessStatusCode) logger.LogWarning("Webhook {Purpose} {Url} answered {Status}", purpose, url, result);
            return result;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            logger.LogWarning("Webhook {Purpose} {Url} failed: {Reason}", purpose, url, ex.Message);
            return ex is TaskCanceledException ? L["failed: no answer within {0:0} s", Timeout.TotalSeconds] : L["failed: {0}", ex.Message];
        }
    }

    public static bool IsHttpUrl(string url)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
