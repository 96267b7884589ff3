using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Modalities;

public enum ConnectivityOutcome { Ok, Refused, Timeout, AssociationRejected, HostNotFound, Failed }

/// <summary>The result of a C-ECHO or peer test, in words an admin can act on.</summary>
public sealed record ConnectivityResult(ConnectivityOutcome Outcome, string Message, TimeSpan Elapsed)
{
    public bool Ok => Outcome == ConnectivityOutcome.Ok;

    /// <summary>
    /// Orthanc reports DICOM network failures as one "Error in the network protocol" with dcmtk's detail text;
    /// the detail is what tells a closed port from a rejected association or a silent host.
    /// </summary>
    public static ConnectivityResult FromFailure(string target, Exception ex, TimeSpan elapsed)
    {
        var text = ex.Message;
        var outcome = ex switch
        {
            OrthancException { Failure: OrthancFailure.Refused } => ConnectivityOutcome.Refused,
            OrthancException { Failure: OrthancFailure.Timeout } => ConnectivityOutcome.Timeout,
            OrthancException { Failure: OrthancFailure.HostNotFound } => ConnectivityOutcome.HostNotFound,
            _ when Contains(text, "Connection refused") => ConnectivityOutcome.Refused,
            _ when Contains(text, "rejected") => ConnectivityOutcome.AssociationRejected,
            _ when Contains(text, "timed out") || Contains(text, "timeout") => ConnectivityOutcome.Timeout,
            _ when Contains(text, "Name or service not known") || Contains(text, "unknown host") => ConnectivityOutcome.HostNotFound,
            _ => ConnectivityOutcome.Failed,
        };
        var message = outcome switch
        {
            ConnectivityOutcome.Refused => $"{target}: connection refused. Nothing listens on that host and port, or a firewall blocks it.",
            ConnectivityOutcome.Timeout => $"{target}: no answer in time. The host may be down or a firewall drops the packets.",
            ConnectivityOutcome.AssociationRejected => $"{target}: the association was rejected. Check that the remote side knows the portal's AET, host and port.",
            ConnectivityOutcome.HostNotFound => $"{target}: the host name cannot be resolved.",
            _ => $"{target}: failed.",
        };
        return new ConnectivityResult(outcome, $"{message} ({text})", elapsed);
    }

    private static bool Contains(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);
}
