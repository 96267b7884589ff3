using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrthancPortal.Features.Orthanc;

/// <summary>Healthy when Orthanc answers <c>/system</c> now (asked afresh: the monitor's last state may be seconds old).</summary>
public sealed class OrthancHealthCheck(OrthancClient orthanc) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            var system = await orthanc.ProbeSystemAsync(timeout.Token);
            return HealthCheckResult.Healthy($"Orthanc {system.Version}");
        }
        catch (OrthancException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"Orthanc did not answer within {Timeout.TotalSeconds:0} s.");
        }
    }
}
