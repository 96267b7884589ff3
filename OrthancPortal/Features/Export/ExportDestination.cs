using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Export;

public enum DestinationKind { WebDav, Sftp, Ftp, Ftps, Folder }

/// <summary>
/// A remote place an admin defines. <see cref="Url"/> is the folder: https://host/dav/in, sftp://host:22/in,
/// ftp://host/in, or a local/mounted folder path. Secrets are stored protected with ASP.NET Core Data Protection.
/// </summary>
public sealed class ExportDestination
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public DestinationKind Kind { get; set; }
    public string Url { get; set; } = "";
    public string? Username { get; set; }
    public string? ProtectedPassword { get; set; }
    /// <summary>SFTP only: the private key (PEM), protected.</summary>
    public string? ProtectedPrivateKey { get; set; }
    /// <summary>SFTP only: base64 SHA-256 of the server's host key; when set, any other key is refused.</summary>
    public string? HostKeySha256 { get; set; }
    /// <summary>FTPS/WebDAV over https: accept a certificate that does not validate (self-signed in-house servers).</summary>
    public bool AllowInvalidCertificate { get; set; }
    public DateTime UpdatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ExportDestination>
    {
        public void Configure(EntityTypeBuilder<ExportDestination> e)
        {
            e.ToTable("ExportDestinations");
            e.Property(x => x.Name).HasMaxLength(64);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Url).HasMaxLength(512);
            e.HasIndex(x => x.Name).IsUnique();
        }
    }
}

/// <summary>A destination with its secrets in clear, only in memory and only while sending.</summary>
public sealed record DestinationCredentials(ExportDestination Destination, string? Password, string? PrivateKey);

/// <summary>The edit form's values; a null secret keeps the stored one.</summary>
public sealed record DestinationInput(string Name, DestinationKind Kind, string Url, string? Username, string? Password, string? PrivateKey,
    string? HostKeySha256, bool AllowInvalidCertificate);

public sealed class DestinationStore(IDbContextFactory<PortalDbContext> dbFactory, IDataProtectionProvider protection, AuditLog audit, TimeProvider clock)
{
    private readonly IDataProtector protector = protection.CreateProtector("OrthancPortal.Export.Destinations.v1");

    public async Task<IReadOnlyList<ExportDestination>> AllAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<ExportDestination>().AsNoTracking().OrderBy(d => d.Name).ToListAsync(ct);
    }

    public async Task<DestinationCredentials> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var d = await db.Set<ExportDestination>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw new InvalidOperationException($"Export destination {id} does not exist.");
        return new(d, Unprotect(d.ProtectedPassword), Unprotect(d.ProtectedPrivateKey));
    }

    public async Task<ExportDestination> SaveAsync(long? id, DestinationInput input, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var d = id is null ? new ExportDestination() : await db.Set<ExportDestination>().FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw new InvalidOperationException($"Export destination {id} does not exist.");
        if (id is null) db.Add(d);
        d.Name = input.Name.Trim();
        d.Kind = input.Kind;
        d.Url = input.Url.Trim();
        d.Username = string.IsNullOrWhiteSpace(input.Username) ? null : input.Username.Trim();
        if (input.Password is not null) d.ProtectedPassword = input.Password.Length == 0 ? null : protector.Protect(input.Password);
        if (input.PrivateKey is not null) d.ProtectedPrivateKey = input.PrivateKey.Length == 0 ? null : protector.Protect(input.PrivateKey);
        d.HostKeySha256 = string.IsNullOrWhiteSpace(input.HostKeySha256) ? null : input.HostKeySha256.Trim();
        d.AllowInvalidCertificate = input.AllowInvalidCertificate;
        d.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(actor, id is null ? "export.destination.create" : "export.destination.change", d.Name,
            $"{d.Kind} {d.Url} user={d.Username}{(input.Password is null ? "" : ", password changed")}{(input.PrivateKey is null ? "" : ", key changed")}", ct: ct);
        return d;
    }

    public async Task DeleteAsync(long id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var d = await db.Set<ExportDestination>().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new InvalidOperationException($"Export destination {id} does not exist.");
        db.Remove(d);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(actor, "export.destination.delete", d.Name, ct: ct);
    }

    private string? Unprotect(string? value) => value is null ? null : protector.Unprotect(value);
}
