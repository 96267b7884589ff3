using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Infrastructure.Files;

/// <summary>
/// Folders for the portal's own work files (upload spools, export archives, modified copies):
/// <c>&lt;data&gt;/work/&lt;database instance id&gt;/&lt;name&gt;</c>. Files another database left in the same data
/// folder are in another instance's folder, so they are never resumed or overwritten as this database's work.
/// </summary>
public sealed class WorkFolders(IOptions<PortalOptions> portal, IDbContextFactory<PortalDbContext> dbFactory)
{
    private string? instanceId;

    public async Task<string> GetAsync(string name, CancellationToken ct = default)
    {
        instanceId ??= await ReadInstanceIdAsync(ct);
        return portal.Value.SubFolder(Path.Combine("work", instanceId, name));
    }

    private async Task<string> ReadInstanceIdAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = await db.Set<PortalInstance>().AsNoTracking().Select(i => i.InstanceId).SingleAsync(ct);
        // Used as a folder name: it must be the hex the migration made, nothing else.
        if (id.Length == 0 || !id.All(Uri.IsHexDigit)) throw new InvalidOperationException($"The database's instance id '{id}' is not a hex string.");
        return id;
    }
}
