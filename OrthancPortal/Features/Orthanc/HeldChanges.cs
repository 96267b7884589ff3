using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Live;

namespace OrthancPortal.Features.Orthanc;

/// <summary>The outcome of an admin's retry of a held change: null error when the subscriber handled it.</summary>
public sealed record HeldRetryResult(bool Found, string? Error)
{
    public bool Succeeded => Found && Error is null;
}

/// <summary>What an admin does with changes the change feed held after too many failed deliveries.</summary>
public sealed class HeldChangesService(
    IDbContextFactory<PortalDbContext> dbFactory,
    IEnumerable<IChangeSubscriber> subscribers,
    AuditLog audit,
    LiveNotifier notifier,
    ILogger<HeldChangesService> logger)
{
    public async Task<IReadOnlyList<HeldChange>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<HeldChange>().AsNoTracking().OrderBy(h => h.Subscriber).ThenBy(h => h.Seq).ToListAsync(ct);
    }

    public async Task<int> CountAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<HeldChange>().CountAsync(ct);
    }

    /// <summary>Delivers the change to its subscriber again, now. On success the row goes; on failure it stays with the new reason.</summary>
    public async Task<HeldRetryResult> RetryAsync(long id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var held = await db.Set<HeldChange>().FirstOrDefaultAsync(h => h.Id == id, ct);
        if (held is null) return new HeldRetryResult(false, null);
        var subscriber = subscribers.FirstOrDefault(s => s.Name == held.Subscriber);
        string? error = null;
        if (subscriber is null) error = $"There is no subscriber '{held.Subscriber}' any more; discard the change.";
        else
        {
            try { await subscriber.HandleAsync(held.ToChange(), ct); }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Retry of held change {Seq} for {Subscriber} failed", held.Seq, held.Subscriber);
                error = ChangeFeedReader.Truncate(ex.Message);
            }
        }
        var what = Describe(held);
        if (error is null) db.Remove(held);
        else
        {
            held.Attempts++;
            held.LastError = error;
        }
        await db.SaveChangesAsync(CancellationToken.None);
        await audit.WriteAsync(actor, "changefeed.retry", $"held-changes/{id}", error is null ? what : $"{what}: {error}", success: error is null, ct: CancellationToken.None);
        await PublishAsync(db);
        return new HeldRetryResult(true, error);
    }

    /// <summary>Drops the change for good: its subscriber never acts on it.</summary>
    public async Task<bool> DiscardAsync(long id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var held = await db.Set<HeldChange>().FirstOrDefaultAsync(h => h.Id == id, ct);
        if (held is null) return false;
        db.Remove(held);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(actor, "changefeed.discard", $"held-changes/{id}", $"{Describe(held)}; last error: {held.LastError}", ct: CancellationToken.None);
        await PublishAsync(db);
        return true;
    }

    private static string Describe(HeldChange h) => $"{h.Subscriber}: {h.ChangeType} {h.ResourceType} {h.ResourceId} (change {h.Seq})";

    private async Task PublishAsync(PortalDbContext db) => notifier.Publish(new HeldChangesChanged(await db.Set<HeldChange>().CountAsync()));
}

public static class HeldChangesEndpoints
{
    public static WebApplication MapHeldChangesEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/api/admin/held-changes").RequireAuthorization(Permissions.Admin);
        group.MapGet("", async (HeldChangesService held, CancellationToken ct) => Results.Ok(await held.ListAsync(ct)));
        group.MapPost("{id:long}/retry", async (long id, HeldChangesService held, ActorContext actors, CancellationToken ct) =>
        {
            var result = await held.RetryAsync(id, await actors.GetAsync(), ct);
            if (!result.Found) return Results.Problem($"There is no held change {id}.", statusCode: 404);
            return result.Succeeded ? Results.NoContent() : Results.Problem(result.Error, statusCode: 409);
        });
        group.MapPost("{id:long}/discard", async (long id, HeldChangesService held, ActorContext actors, CancellationToken ct)
            => await held.DiscardAsync(id, await actors.GetAsync(), ct) ? Results.NoContent() : Results.Problem($"There is no held change {id}.", statusCode: 404));
        return app;
    }
}
