using OrthancPortal.Infrastructure.Live;

namespace OrthancPortal.Features.Orthanc;

/// <summary>What the dashboard shows about Orthanc: its identity and counts, or why it cannot be reached.</summary>
public sealed record OrthancHealth(bool Reachable, OrthancSystem? System, OrthancStatistics? Statistics, string? Error, OrthancFailure? Failure, DateTime CheckedAt);

/// <summary>
/// Checks Orthanc in the background and publishes <see cref="OrthancHealth"/> when it changes, so pages show
/// the state (and recover on their own after Orthanc comes back) without polling.
/// </summary>
public sealed class OrthancHealthMonitor(IServiceScopeFactory scopes, LiveNotifier notifier, TimeProvider clock, ILogger<OrthancHealthMonitor> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);

    public OrthancHealth? Current { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        using var wake = new SemaphoreSlim(0);
        using var subscription = notifier.Subscribe<ManagedOrthancChanged>(_ => { wake.Release(); return Task.CompletedTask; });
        while (!stopping.IsCancellationRequested)
        {
            var health = await CheckAsync(stopping);
            if (Current is null || Differs(Current, health))
            {
                if (Current?.Reachable != health.Reachable) logger.LogInformation("Orthanc reachable: {Reachable} {Error}", health.Reachable, health.Error);
                Current = health;
                notifier.Publish(health);
            }
            try { await wake.WaitAsync(Interval, stopping); } catch (OperationCanceledException) { break; }
        }
    }

    public async Task<OrthancHealth> CheckAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<OrthancClient>();
        return await ProbeAsync(client, clock, ct);
    }

    public static async Task<OrthancHealth> ProbeAsync(OrthancClient client, TimeProvider clock, CancellationToken ct)
    {
        try
        {
            var system = await client.ProbeSystemAsync(ct);
            var statistics = await client.GetStatisticsAsync(ct);
            return new(true, system, statistics, null, null, clock.GetUtcNow().UtcDateTime);
        }
        catch (OrthancException ex)
        {
            return new(false, null, null, ex.Message, ex.Failure, clock.GetUtcNow().UtcDateTime);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(false, null, null, "Orthanc did not answer in time.", OrthancFailure.Timeout, clock.GetUtcNow().UtcDateTime);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new(false, null, null, ex.Message, OrthancFailure.Unreachable, clock.GetUtcNow().UtcDateTime);
        }
    }

    private static bool Differs(OrthancHealth a, OrthancHealth b)
        => a.Reachable != b.Reachable || a.Error != b.Error || a.Statistics != b.Statistics || a.System != b.System;
}
