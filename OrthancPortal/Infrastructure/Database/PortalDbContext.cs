using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Access;

namespace OrthancPortal.Infrastructure.Database;

/// <summary>
/// The portal's own data. Each feature maps its entities with an <see cref="IEntityTypeConfiguration{T}"/>
/// in its own folder; they are all picked up here, and reached with <c>db.Set&lt;T&gt;()</c>.
/// Store times as UTC <see cref="DateTime"/>: SQLite cannot order or compare DateTimeOffset columns.
/// </summary>
public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options)
    : IdentityDbContext<PortalUser, PortalRole, string>(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }
}
