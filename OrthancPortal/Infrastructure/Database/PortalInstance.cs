using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OrthancPortal.Infrastructure.Database;

/// <summary>
/// The one row naming this database: a random id made when the database is created (by its migration). Work files
/// are kept under it, so a data folder reused with a new database never takes the old one's leftovers for its own.
/// </summary>
public sealed class PortalInstance
{
    public int Id { get; set; }
    public string InstanceId { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<PortalInstance>
    {
        public void Configure(EntityTypeBuilder<PortalInstance> e)
        {
            e.ToTable("PortalInstance");
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.InstanceId).HasMaxLength(32);
        }
    }
}
