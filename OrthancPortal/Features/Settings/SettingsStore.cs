using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Live;

namespace OrthancPortal.Features.Settings;

/// <summary>A group of settings that an admin edits in the portal. Its defaults come from the configuration section of the same name.</summary>
public interface ISettingsSection
{
    static abstract string SectionName { get; }
}

/// <summary>Marks a settings property that holds a secret: stored with Data Protection, masked in the audit log.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute;

/// <summary>Published after a section is saved, so running services can pick up the change.</summary>
public sealed record SettingsChanged(string Section);

public sealed class SettingsRow
{
    public string Section { get; set; } = "";
    public string Json { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<SettingsRow>
    {
        public void Configure(EntityTypeBuilder<SettingsRow> e)
        {
            e.ToTable("Settings");
            e.HasKey(x => x.Section);
        }
    }
}

/// <summary>
/// Settings edited at run time. Reads are cached; a save validates nothing itself (pages validate with
/// FluentValidation first), writes the audit log with old and new values (secrets masked), and notifies.
/// </summary>
public sealed class SettingsStore(
    IDbContextFactory<PortalDbContext> dbFactory,
    IConfiguration configuration,
    IDataProtectionProvider protection,
    LiveNotifier notifier,
    IServiceScopeFactory scopes,
    TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private const string Mask = "********";
    private readonly ConcurrentDictionary<string, string> cache = new();
    private int watchingChanges;
    private readonly IDataProtector protector = protection.CreateProtector("OrthancPortal.Settings.v1");

    /// <summary>A fresh copy of the section: callers may edit it freely before <see cref="SaveAsync{T}"/>.</summary>
    public async Task<T> GetAsync<T>(CancellationToken ct = default) where T : class, ISettingsSection, new()
    {
        // A save on another portal process (its SettingsChanged arrives through the notifier's fan-out) makes the next read fresh.
        if (Interlocked.Exchange(ref watchingChanges, 1) == 0)
        {
            notifier.Subscribe<SettingsChanged>(m => { cache.TryRemove(m.Section, out _); return Task.CompletedTask; });
        }
        if (!cache.TryGetValue(T.SectionName, out var json))
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var section = T.SectionName;
            var row = await db.Set<SettingsRow>().AsNoTracking().FirstOrDefaultAsync(r => r.Section == section, ct);
            json = row?.Json ?? Serialize(Defaults<T>());
            cache[T.SectionName] = json;
        }
        var value = JsonSerializer.Deserialize<T>(json, Json) ?? new T();
        TransformSecrets(value, protector.Unprotect);
        return value;
    }

    public T Defaults<T>() where T : class, ISettingsSection, new()
    {
        var value = new T();
        configuration.GetSection(T.SectionName).Bind(value);
        return value;
    }

    /// <param name="actor">Who changes the settings (a page passes its circuit's <see cref="ActorContext"/>): the row and the audit entry name them.
    /// This store is a singleton, so it cannot know the user itself.</param>
    public async Task SaveAsync<T>(T value, Actor actor, CancellationToken ct = default) where T : class, ISettingsSection, new()
    {
        var old = await GetAsync<T>(ct);
        var json = Serialize(value);

        await using var scope = scopes.CreateAsyncScope();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var section = T.SectionName;
            var row = await db.Set<SettingsRow>().FirstOrDefaultAsync(r => r.Section == section, ct);
            if (row is null) db.Set<SettingsRow>().Add(row = new SettingsRow { Section = T.SectionName });
            row.Json = json;
            row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            row.UpdatedBy = actor.UserName;
            await db.SaveChangesAsync(ct);
        }
        cache[T.SectionName] = json;
        await audit.WriteAsync(actor, "settings.change", T.SectionName, DescribeChanges(old, value), ct: ct);
        notifier.Publish(new SettingsChanged(T.SectionName));
    }

    /// <summary>"Name: old -> new" for each changed property; secrets show only that they changed.</summary>
    public static string DescribeChanges<T>(T old, T updated)
    {
        var lines = new List<string>();
        foreach (var p in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.CanWrite))
        {
            var a = JsonSerializer.Serialize(p.GetValue(old), Json);
            var b = JsonSerializer.Serialize(p.GetValue(updated), Json);
            if (a == b) continue;
            lines.Add(p.GetCustomAttribute<SecretAttribute>() is null ? $"{p.Name}: {a} -> {b}" : $"{p.Name}: {Mask} -> {Mask}");
        }
        return lines.Count == 0 ? "no change" : string.Join("; ", lines);
    }

    /// <summary>The stored form: a copy with its secrets protected.</summary>
    private string Serialize<T>(T value)
    {
        var stored = JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, Json), Json)!;
        TransformSecrets(stored, protector.Protect);
        return JsonSerializer.Serialize(stored, Json);
    }

    private static void TransformSecrets(object value, Func<string, string> transform)
    {
        foreach (var p in value.GetType().GetProperties().Where(p => p.PropertyType == typeof(string) && p.GetCustomAttribute<SecretAttribute>() is not null))
        {
            if (p.GetValue(value) is string s && s.Length > 0) p.SetValue(value, transform(s));
        }
    }
}
