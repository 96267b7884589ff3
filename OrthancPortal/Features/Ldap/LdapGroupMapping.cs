using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OrthancPortal.Features.Ldap;

/// <summary>Members of directory group <see cref="Group"/> (its DN or its CN) get portal role <see cref="RoleName"/>.</summary>
public sealed class LdapGroupMapping
{
    public long Id { get; set; }
    public string Group { get; set; } = "";
    public string RoleName { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<LdapGroupMapping>
    {
        public void Configure(EntityTypeBuilder<LdapGroupMapping> e)
        {
            e.ToTable("LdapGroupMappings");
            e.Property(x => x.Group).HasMaxLength(512);
            e.Property(x => x.RoleName).HasMaxLength(256);
            e.HasIndex(x => new { x.Group, x.RoleName }).IsUnique();
        }
    }
}
