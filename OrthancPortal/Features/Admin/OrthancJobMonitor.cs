using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Live;

namespace OrthancPortal.Features.Admin;

/// <summary>Orthanc's job list at one moment, or why it could not be read.</summary>
public sealed record OrthancJobsSnapshot(IReadOnlyList<OrthancJob> Jobs, string? Error, DateTime At);

/// <summary>
/// Watches Orthanc's jobs on the server while at least one jobs page is open, and publishes each change through
/// <see cref="LiveNotifier"/>. Orthanc has no push channel for jobs, so this one loop reads /jobs for all pages;
/// the pages themselves never poll.
/// </summary>
public sealed class OrthancJobMonitor(IServiceScopeFactory scopes, LiveNotifier notifier, ILogger<OrthancJobMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim wake = new(0);
    private int watchers;
    private string? lastSignature;

    public OrthancJobsSnapshot? Latest { get; private set; }

    /// <summary>Keeps the monitor running until the returned handle is disposed (a page does this on dispose).</summary>
    public IDisposable Watch()
    {
        if (Interlocked.Increment(ref watchers) == 1) wake.Release();
        return new Watcher(this);
    }

    /// <summary>Reads the jobs now (after an action) instead of at the next tick.</summary>
    public void RefreshSoon() => wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            if (Volatile.Read(ref watchers) == 0)
            {
                lastSignature = null;
                await wake.WaitAsync(stopping);
                continue;
            }
            await ReadOnceAsync(stopping);
            await wake.WaitAsync(Interval, stopping);
        }
    }

    public async Task<OrthancJobsSnapshot> ReadOnceAsync(CancellationToken ct)
    {
        OrthancJobsSnapshot snapshot;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(CallTimeout);
            var jobs = await scope.ServiceProvider.GetRequiredService<OrthancClient>().GetJobsAsync(timeout.Token);
            snapshot = new(jobs.OrderByDescending(j => j.CreationTime, StringComparer.Ordinal).ToList(), null, DateTime.UtcNow);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogDebug("Reading Orthanc's jobs failed: {Message}", ex.Message);
            snapshot = new(Latest?.Jobs ?? [], ex.Message, DateTime.UtcNow);
        }
        Latest = snapshot;
        // Publish only changes, so open pages re-render when something moved.
        var signature = snapshot.Error + string.Join("|", snapshot.Jobs.Select(j => $"{j.ID}:{j.State}:{j.Progress}"));
        if (signature != lastSignature)
        {
            lastSignature = signature;
            notifier.Publish(snapshot);
        }
        return snapshot;
    }

    private sealed class Watcher(OrthancJobMonitor monitor) : IDisposable
    {
        private int disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) Interlocked.Decrement(ref monitor.watchers);
        }
    }
}
