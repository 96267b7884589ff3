using System.Net;
using System.Net.Sockets;

namespace OrthancPortal.Features.Orthanc;

public enum OrthancFailure { Refused, HostNotFound, Timeout, Unauthorized, NotFound, BadRequest, ServerError, NotOrthanc, Unreachable }

/// <summary>An Orthanc call that failed, with a reason a person can act on.</summary>
public sealed class OrthancException(OrthancFailure failure, string message, HttpStatusCode? status = null, Exception? inner = null)
    : Exception(message, inner)
{
    public OrthancFailure Failure { get; } = failure;
    public HttpStatusCode? StatusCode { get; } = status;
    /// <summary>What Orthanc itself gave as the reason (<see cref="Explain"/>), or empty.</summary>
    public string Reason { get; private set; } = "";

    public static OrthancException FromTransport(Uri target, Exception ex) => ex switch
    {
        HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } } =>
            new(OrthancFailure.Refused, $"Orthanc refused the connection at {target.Authority}: nothing listens there, or a firewall blocks it.", null, ex),
        HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } } =>
            new(OrthancFailure.HostNotFound, $"The host '{target.Host}' could not be found. Check the Orthanc URL.", null, ex),
        TimeoutException or TaskCanceledException or OperationCanceledException =>
            new(OrthancFailure.Timeout, $"Orthanc at {target.Authority} did not answer in time.", null, ex),
        _ => new(OrthancFailure.Unreachable, $"Orthanc at {target.Authority} cannot be reached: {ex.Message}", null, ex),
    };

    public static OrthancException FromStatus(HttpStatusCode status, string method, string path, string? body)
    {
        var reason = Explain(body);
        var detail = reason.Length == 0 ? "" : $" Orthanc said: {reason}";
        OrthancException exception = status switch
        {
            HttpStatusCode.Unauthorized =>
                new(OrthancFailure.Unauthorized, "Orthanc rejected the portal's credentials (wrong user name or password).", status),
            // Orthanc answers bad credentials with 401; 403 is a filter refusing this one request (a Lua
            // IncomingHttpRequestFilter, an authorization plugin), which "wrong password" would misexplain.
            HttpStatusCode.Forbidden =>
                new(OrthancFailure.Unauthorized, $"Orthanc refused {method} {path} (403 Forbidden: a filter or authorization plugin of that Orthanc does not allow it).{detail}", status),
            HttpStatusCode.NotFound =>
                new(OrthancFailure.NotFound, $"Not found in Orthanc: {path} (it may have been deleted meanwhile).{detail}", status),
            HttpStatusCode.BadRequest =>
                new(OrthancFailure.BadRequest, $"Orthanc refused {method} {path}.{detail}", status),
            _ => new(OrthancFailure.ServerError, $"Orthanc answered {(int)status} to {method} {path}.{detail}", status),
        };
        exception.Reason = reason;
        return exception;
    }

    /// <summary>
    /// Orthanc's error answer as a sentence: its JSON (Message, Details, OrthancError) read, never shown raw or cut;
    /// any other body shortened to one line.
    /// </summary>
    public static string Explain(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return "";
        try
        {
            if (System.Text.Json.Nodes.JsonNode.Parse(body) is System.Text.Json.Nodes.JsonObject error)
            {
                var message = Text(error, "Message") ?? Text(error, "OrthancError") ?? Text(error, "HttpError");
                var details = Text(error, "Details");
                if (message is null && details is null) return "";
                var sentence = message is null ? details! : details is null || details == message ? message : $"{message}: {details}";
                return sentence.EndsWith('.') ? sentence : sentence + ".";
            }
        }
        catch (System.Text.Json.JsonException) { }
        return Shorten(body);
    }

    private static string? Text(System.Text.Json.Nodes.JsonObject error, string key)
        => error[key] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var text) && text.Trim().Length > 0 ? text.Trim().ReplaceLineEndings(" ") : null;

    private static string Shorten(string body)
    {
        var oneLine = body.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= 300 ? oneLine : oneLine[..300] + "…";
    }
}
