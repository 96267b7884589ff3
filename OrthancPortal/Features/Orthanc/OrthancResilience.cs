using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace OrthancPortal.Features.Orthanc;

/// <summary>
/// Timeouts and retries for every Orthanc call, set once in the client's registration
/// (Microsoft.Extensions.Http.Resilience). Only idempotent requests are retried, and only on transport faults or
/// 502/503/504. The timeout covers the wait for response headers, so a streamed body (archives of many GB) is
/// never cut off by it; a request body extends it by its size.
/// </summary>
public static class OrthancResilience
{
    public const string PipelineName = "orthanc";

    /// <summary>Set on a request that must report Orthanc's state as it is now (health probes): no retries.</summary>
    public static readonly HttpRequestOptionsKey<bool> NoRetry = new("orthanc-no-retry");

    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Slowest upload speed we wait for: a request body of N MB gets N seconds more than the plain timeout.</summary>
    private const double MinimumUploadBytesPerSecond = 1_000_000;

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline) => pipeline
        .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = 3,
            Delay = TimeSpan.FromMilliseconds(300),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = args => ValueTask.FromResult(IsIdempotent(args.Context.GetRequestMessage()) && IsTransient(args.Outcome)),
        })
        .AddTimeout(new TimeoutStrategyOptions
        {
            TimeoutGenerator = args => ValueTask.FromResult(TimeoutFor(args.Context.GetRequestMessage()?.Content)),
        });

    /// <summary>
    /// The timeout also runs while a request body is sent, so a body (an upload of GBs) extends it by its size;
    /// a body of unknown length (a stream being relayed) gets an hour.
    /// </summary>
    internal static TimeSpan TimeoutFor(HttpContent? content) => content switch
    {
        null => AttemptTimeout,
        { Headers.ContentLength: long length } => AttemptTimeout + TimeSpan.FromSeconds(length / MinimumUploadBytesPerSecond),
        _ => TimeSpan.FromHours(1),
    };

    /// <summary>Turns the pipeline's timeout into the portal's own failure, with what timed out.</summary>
    internal static OrthancException TimedOut(HttpRequestMessage request, TimeoutRejectedException ex)
        => new(OrthancFailure.Timeout, $"Orthanc did not answer {request.Method} {request.RequestUri?.AbsolutePath} within {ex.Timeout.TotalSeconds:0} s.", null, ex);

    private static bool IsIdempotent(HttpRequestMessage? request)
        => request is not null && request.Content is null && request.Method != HttpMethod.Post
            && !(request.Options.TryGetValue(NoRetry, out var noRetry) && noRetry);

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: OrthancException { Failure: OrthancFailure.Refused or OrthancFailure.Unreachable or OrthancFailure.Timeout } } => true,
        { Exception: HttpRequestException } => true,
        { Result.StatusCode: HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout } => true,
        _ => false,
    };
}
