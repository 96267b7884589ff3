namespace OrthancPortal.Features.Audit;

/// <summary>One thing to audit, for <see cref="AuditLog.WriteAsync(IReadOnlyCollection{AuditItem}, CancellationToken)"/>.</summary>
public sealed record AuditItem(string Action, string Resource, string? Details = null, bool Success = true);

/// <summary>Writes audit entries (committed by <see cref="AuditWriter"/>). Every change a user makes goes through here.</summary>
public sealed class AuditLog(AuditWriter writer, ActorContext actors, TimeProvider clock, ILogger<AuditLog> logger)
{
    public async Task WriteAsync(string action, string resource, string? details = null, bool success = true, CancellationToken ct = default)
        => await WriteAsync(await actors.GetAsync(), [new AuditItem(action, resource, details, success)], ct);

    public async Task WriteAsync(Actor actor, string action, string resource, string? details = null, bool success = true, CancellationToken ct = default)
        => await WriteAsync(actor, [new AuditItem(action, resource, details, success)], ct);

    /// <summary>Several entries of the current actor in one transaction (all the files of one import, say).</summary>
    public async Task WriteAsync(IReadOnlyCollection<AuditItem> items, CancellationToken ct = default)
        => await WriteAsync(await actors.GetAsync(), items, ct);

    /// <param name="ct">Checked before anything is written; once the entries are handed over they are committed.</param>
    public async Task WriteAsync(Actor actor, IReadOnlyCollection<AuditItem> items, CancellationToken ct = default)
    {
        if (items.Count == 0) return;
        ct.ThrowIfCancellationRequested();
        var at = clock.GetUtcNow().UtcDateTime;
        var entries = items.Select(item => new AuditEntry
        {
            At = at,
            UserId = actor.UserId,
            UserName = actor.UserName,
            Address = actor.Address,
            Action = item.Action,
            Resource = Truncate(item.Resource, 512),
            Details = item.Details,
            Success = item.Success,
        }).ToList();
        await writer.WriteAsync(entries);
        foreach (var item in items)
        {
            logger.LogInformation("Audit: {User} {Action} {Resource} success={Success}", actor.UserName, item.Action, item.Resource, item.Success);
        }
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
