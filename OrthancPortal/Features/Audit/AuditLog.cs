using Microsoft.EntityFrameworkCore;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Audit;

/// <summary>Writes audit entries. Every change a user makes goes through here.</summary>
public sealed class AuditLog(IDbContextFactory<PortalDbContext> dbFactory, ActorContext actors, TimeProvider clock, ILogger<AuditLog> logger)
{
    public async Task WriteAsync(string action, string resource, string? details = null, bool success = true, CancellationToken ct = default)
        => await WriteAsync(await actors.GetAsync(), action, resource, details, success, ct);

    public async Task WriteAsync(Actor actor, string action, string resource, string? details = null, bool success = true, CancellationToken ct = default)
    {
        // Its own context, so an audit write never saves someone else's pending changes.
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Set<AuditEntry>().Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime,
            UserId = actor.UserId,
            UserName = actor.UserName,
            Address = actor.Address,
            Action = action,
            Resource = Truncate(resource, 512),
            Details = details,
            Success = success,
        });
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Audit: {User} {Action} {Resource} success={Success}", actor.UserName, action, resource, success);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
