using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Worklists;

/// <summary>API keys for AIS scripts calling /worklist/add: one per client, created and revoked by an admin.</summary>
public sealed class WorklistApiKeyService(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit, TimeProvider clock)
{
    private const string KeyPrefix = "wl_";

    /// <summary>Creates a key and returns it in full: this is the only time it can be seen.</summary>
    public async Task<(WorklistApiKey Row, string Key)> CreateAsync(string client, Actor actor, CancellationToken ct = default)
    {
        client = client.Trim();
        if (client.Length is 0 or > 100) throw new ArgumentException("Name the client (1 to 100 characters).", nameof(client));
        var key = KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var row = new WorklistApiKey
        {
            Client = client,
            KeyHash = Hash(key),
            Prefix = key[..9],
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            CreatedBy = actor.UserName,
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Add(row);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(actor, "worklist.apikey.create", client, $"key {row.Prefix}…", ct: ct);
        return (row, key);
    }

    public async Task<bool> RevokeAsync(long id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Set<WorklistApiKey>().FirstOrDefaultAsync(k => k.Id == id, ct);
        if (row is null || row.RevokedAt is not null) return false;
        row.RevokedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(actor, "worklist.apikey.revoke", row.Client, $"key {row.Prefix}…", ct: ct);
        return true;
    }

    public async Task<IReadOnlyList<WorklistApiKey>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<WorklistApiKey>().AsNoTracking().OrderBy(k => k.RevokedAt != null).ThenBy(k => k.Client).ToListAsync(ct);
    }

    /// <summary>The active key matching <paramref name="key"/>, or null. Marks it used.</summary>
    public async Task<WorklistApiKey?> FindActiveAsync(string? key, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 200) return null;
        var hash = Hash(key);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Set<WorklistApiKey>().FirstOrDefaultAsync(k => k.KeyHash == hash && k.RevokedAt == null, ct);
        if (row is null) return null;
        row.LastUsedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return row;
    }

    /// <summary>Keys are 256 random bits, so a plain SHA-256 is enough to make the stored value useless to a thief.</summary>
    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
