using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OrthancPortal.Features.Audit;

/// <summary>One line of the append-only audit log. Nothing in the portal updates or deletes these rows.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public string? UserId { get; set; }
    public string UserName { get; set; } = "";
    public string? Address { get; set; }
    public string Action { get; set; } = "";
    public string Resource { get; set; } = "";
    public string? Details { get; set; }
    public bool Success { get; set; } = true;

    internal sealed class Configuration : IEntityTypeConfiguration<AuditEntry>
    {
        public void Configure(EntityTypeBuilder<AuditEntry> e)
        {
            e.ToTable("AuditLog");
            e.Property(x => x.UserName).HasMaxLength(256);
            e.Property(x => x.Address).HasMaxLength(64);
            e.Property(x => x.Action).HasMaxLength(128);
            e.Property(x => x.Resource).HasMaxLength(512);
            e.HasIndex(x => x.At);
            e.HasIndex(x => new { x.UserName, x.At });
            e.HasIndex(x => new { x.Action, x.At });
        }
    }
}
