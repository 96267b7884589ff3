using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Live;
using OrthancPortal.Infrastructure.Localization;
using OrthancPortal.Infrastructure.Scheduling;

namespace OrthancPortal.Features.Burner;

/// <summary>
/// Builds queued jobs one after another (a persisted queue: <see cref="IPersistedQueue"/>) while the burner service
/// runs. A job that fails (Orthanc error, monitored folder missing or full) is marked failed with the reason and the
/// next job still runs.
/// </summary>
public sealed class BurnerQueue(
    IServiceScopeFactory scopes,
    IDbContextFactory<PortalDbContext> dbFactory,
    SettingsStore settings,
    LiveNotifier notifier,
    TimeProvider clock,
    ILogger<BurnerQueue> logger) : IPersistedQueue
{
    private static readonly IStringLocalizer<BurnerQueue> L = PortalText.For<BurnerQueue>();

    public async Task<bool> ProcessNextAsync(CancellationToken ct)
        => (await settings.GetAsync<BurnerServiceState>(ct)).Running && await BuildNextAsync(ct);

    /// <summary>Builds the oldest queued job; false when there is none.</summary>
    private async Task<bool> BuildNextAsync(CancellationToken ct)
    {
        BurnerJob? next;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            next = await db.Set<BurnerJob>().AsNoTracking().Where(j => j.State == BurnerJobState.Queued).OrderBy(j => j.Id).FirstOrDefaultAsync(ct);
        }
        if (next is null) return false;
        // The details it writes read in the language of whoever queued the job.
        await PortalCultures.RunInAsync(next.Culture, () => BuildAsync(next.Id, ct));
        return true;
    }

    private async Task BuildAsync(long id, CancellationToken ct)
    {
        await UpdateAsync(id, j => { j.State = BurnerJobState.Preparing; j.Detail = L["Starting"]; }, ct);

        var options = await settings.GetAsync<BurnerSettings>(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var builder = scope.ServiceProvider.GetRequiredService<DiscBuilder>();
            var job = await LoadAsync(id, ct);
            var result = await builder.BuildAsync(job, options, text => UpdateAsync(id, j => j.Detail = text, ct), ct);
            var now = clock.GetUtcNow().UtcDateTime;
            await UpdateAsync(id, j =>
            {
                j.RequestName = result.RequestName;
                j.RequestFolder = result.RequestFolder;
                j.JobFolder = result.JobFolder;
                j.DiscType = result.DiscType;
                j.SizeBytes = result.SizeBytes;
                j.SubmittedAt = now;
                j.LastSignalAt = now;
                j.State = BurnerJobState.Submitted;
                j.Detail = L["Waiting for the disc software"];
            }, ct);
            // A cancel that came while the media was being made goes to the disc software now.
            if ((await LoadAsync(id, ct)).CancelRequested)
            {
                var jobs = scope.ServiceProvider.GetRequiredService<BurnerJobService>();
                await jobs.CancelAsync(id, Audit.Actor.System, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var reason = Reason(ex);
            logger.LogWarning(ex, "Burn job {Job} failed: {Reason}", id, reason);
            await UpdateAsync(id, j => { j.State = BurnerJobState.Failed; j.Detail = reason; }, CancellationToken.None);
        }
    }

    /// <summary>A reason a user can act on; a full disk is the usual one.</summary>
    public static string Reason(Exception ex) => ex switch
    {
        BurnerException or Orthanc.OrthancException => ex.Message,
        IOException io when (io.HResult & 0xFFFF) is 28 or 112 => L["The disk of the monitored folder is full: {0}", io.Message],
        IOException or UnauthorizedAccessException => L["Could not write the job: {0}", ex.Message],
        _ => L["Unexpected error: {0}", ex.Message],
    };

    /// <summary>A job that was being prepared when the portal stopped is prepared again from the start.</summary>
    public async Task RecoverAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var interrupted = await db.Set<BurnerJob>().Where(j => j.State == BurnerJobState.Preparing).ToListAsync(ct);
        foreach (var job in interrupted)
        {
            job.State = job.CancelRequested ? BurnerJobState.Cancelled : BurnerJobState.Queued;
            job.Detail = await PortalCultures.RunInAsync(job.Culture, () => Task.FromResult(L["Interrupted by a restart of the portal"].Value));
        }
        await db.SaveChangesAsync(ct);
    }

    private async Task<BurnerJob> LoadAsync(long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<BurnerJob>().AsNoTracking().FirstAsync(j => j.Id == id, ct);
    }

    private async Task UpdateAsync(long id, Action<BurnerJob> change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Set<BurnerJob>().FirstAsync(j => j.Id == id, ct);
        change(job);
        job.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        notifier.Publish(new BurnerJobChanged(job.Id, job.State));
    }
}
