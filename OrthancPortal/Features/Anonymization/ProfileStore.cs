using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Anonymization;

/// <summary>Built-in and admin-defined profiles.</summary>
public sealed class ProfileStore(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<AnonymizationProfile>> AllAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var custom = await db.Set<CustomProfileRow>().AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct);
        return [.. BuiltInProfiles.All, .. custom.Select(c => c.ToProfile())];
    }

    public async Task<AnonymizationProfile> GetAsync(string id, CancellationToken ct = default)
    {
        var builtIn = BuiltInProfiles.All.FirstOrDefault(p => p.Id == id);
        if (builtIn is not null) return builtIn;
        if (id.StartsWith("custom-", StringComparison.Ordinal) && long.TryParse(id["custom-".Length..], out var rowId))
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var row = await db.Set<CustomProfileRow>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == rowId, ct);
            if (row is not null) return row.ToProfile();
        }
        throw new InvalidOperationException($"There is no anonymization profile '{id}'.");
    }

    /// <summary>Creates (id null) or updates a custom profile; each update is a new version.</summary>
    public async Task<AnonymizationProfile> SaveAsync(long? id, string name, ProfileRules rules, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        CustomProfileRow row;
        if (id is null)
        {
            row = new CustomProfileRow { Name = name };
            db.Add(row);
        }
        else
        {
            row = await db.Set<CustomProfileRow>().FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw new InvalidOperationException($"Profile {id} does not exist.");
            row.Name = name;
            row.Version++;
        }
        row.RulesJson = JsonSerializer.Serialize(rules, ProfileJson.Options);
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        row.UpdatedBy = actor.UserName;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(actor, id is null ? "anonymization.profile.create" : "anonymization.profile.change", $"{name} v{row.Version}", row.RulesJson, ct: ct);
        return row.ToProfile();
    }

    public async Task DeleteAsync(long id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Set<CustomProfileRow>().FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw new InvalidOperationException($"Profile {id} does not exist.");
        db.Remove(row);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(actor, "anonymization.profile.delete", $"{row.Name} v{row.Version}", ct: ct);
    }
}
