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
        var detail = string.IsNullOrWhiteSpace(body) ? "" : $" Orthanc said: {Shorten(body)}";
        return status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                new(OrthancFailure.Unauthorized, "Orthanc rejected the portal's credentials (wrong user name or password).", status),
            HttpStatusCode.NotFound =>
                new(OrthancFailure.NotFound, $"Not found in Orthanc: {path} (it may have been deleted meanwhile).{detail}", status),
            HttpStatusCode.BadRequest =>
                new(OrthancFailure.BadRequest, $"Orthanc refused {method} {path}.{detail}", status),
            _ => new(OrthancFailure.ServerError, $"Orthanc answered {(int)status} to {method} {path}.{detail}", status),
        };
    }

    private static string Shorten(string body)
    {
        var oneLine = body.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= 300 ? oneLine : oneLine[..300] + "…";
    }
}
