using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace OrthancPortal.Features.Orthanc;

/// <summary>
/// Timeouts and retries for every Orthanc call, set once here. Only idempotent requests are retried,
/// and only on transport faults or 502/503/504. The timeout covers the wait for response headers; a
/// streamed body (archives of many GB) is not cut off by it.
/// </summary>
public sealed class OrthancResilienceHandler : DelegatingHandler
{
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(120);

    private static readonly ResiliencePipeline<HttpResponseMessage> Pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
        .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = 3,
            Delay = TimeSpan.FromMilliseconds(300),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = args => ValueTask.FromResult(
                args.Context.Properties.TryGetValue(Idempotent, out var idempotent) && idempotent && IsTransient(args.Outcome)),
        })
        .AddTimeout(new TimeoutStrategyOptions
        {
            TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(Timeout, AttemptTimeout)),
        })
        .Build();

    private static readonly ResiliencePropertyKey<bool> Idempotent = new("orthanc-idempotent");
    private static readonly ResiliencePropertyKey<TimeSpan> Timeout = new("orthanc-timeout");

    /// <summary>Slowest upload speed we wait for: a request body of N MB gets N seconds more than the plain timeout.</summary>
    private const double MinimumUploadBytesPerSecond = 1_000_000;

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

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(Idempotent, request.Content is null && request.Method != HttpMethod.Post);
        var timeout = TimeoutFor(request.Content);
        context.Properties.Set(Timeout, timeout);
        try
        {
            return await Pipeline.ExecuteAsync(async c => await base.SendAsync(request, c.CancellationToken), context);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new OrthancException(OrthancFailure.Timeout, $"Orthanc did not answer {request.Method} {request.RequestUri?.AbsolutePath} within {timeout.TotalSeconds:0} s.", null, ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: OrthancException { Failure: OrthancFailure.Refused or OrthancFailure.Unreachable or OrthancFailure.Timeout } } => true,
        { Exception: HttpRequestException } => true,
        { Result.StatusCode: HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout } => true,
        _ => false,
    };
}
