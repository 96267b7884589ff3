using System.Diagnostics;
using System.Globalization;

namespace OrthancPortal.Features.Import;

/// <summary>
/// Where the time of one upload went, sent back as a standard <c>Server-Timing</c> header so the benchmark (or a
/// browser's network panel) can see it without logs. The stages overlap in time the way the relay does: the
/// request body is read while Orthanc receives it, so <see cref="ReadRequest"/> is the part of the Orthanc POST
/// spent waiting for the client's bytes, and <see cref="Orthanc"/> is the rest of it. Times only, never names or data.
/// </summary>
public sealed class ImportTimings
{
    public const string Header = "Server-Timing";

    private long readRequest, orthanc, audit;

    public TimeSpan ReadRequest => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref readRequest));
    public TimeSpan Orthanc => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref orthanc));
    public TimeSpan Audit => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref audit));

    internal long ReadRequestTicks => Interlocked.Read(ref readRequest);

    internal void AddReadRequest(long ticks) => Interlocked.Add(ref readRequest, ticks);

    /// <summary>One Orthanc POST, less the time it waited for the client's bytes (counted as reading the request).</summary>
    internal void AddOrthanc(long ticks) => Interlocked.Add(ref orthanc, Math.Max(0, ticks));

    internal void AddAudit(long ticks) => Interlocked.Add(ref audit, ticks);

    /// <summary>The header value, e.g. <c>read;dur=1.2, orthanc;dur=8.5, audit;dur=0.9, handler;dur=11.0</c> (milliseconds).</summary>
    public string Format(TimeSpan handler)
    {
        static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
        return $"read;dur={Ms(ReadRequest)}, orthanc;dur={Ms(Orthanc)}, audit;dur={Ms(Audit)}, handler;dur={Ms(handler)}";
    }
}

/// <summary>Counts the time spent waiting for the client's request body (the stream the relay reads from).</summary>
internal sealed class TimedReadStream(Stream inner, ImportTimings timings) : ForwardReadStream
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var start = Stopwatch.GetTimestamp();
        var n = await inner.ReadAsync(buffer, ct);
        timings.AddReadRequest(Stopwatch.GetTimestamp() - start);
        return n;
    }
}
