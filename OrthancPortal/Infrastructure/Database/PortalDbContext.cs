using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Access;

namespace OrthancPortal.Infrastructure.Database;

/// <summary>
/// The portal's own data. Each feature maps its entities with an <see cref="IEntityTypeConfiguration{T}"/>
/// in its own folder; they are all picked up here, and reached with <c>db.Set&lt;T&gt;()</c>.
/// Store times as UTC <see cref="DateTime"/>: SQLite cannot order or compare DateTimeOffset columns.
/// This type is the SQLite database (its migrations are in Migrations/); <see cref="PostgresPortalDbContext"/> is the
/// same model on PostgreSQL with its own migrations. Features only ever see this type.
/// </summary>
public class PortalDbContext : IdentityDbContext<PortalUser, PortalRole, string>
{
    public PortalDbContext(DbContextOptions<PortalDbContext> options) : base(options) { }

    /// <summary>For the provider-specific subclasses, whose options name their own type (EF keys migrations by context type).</summary>
    protected PortalDbContext(DbContextOptions options) : base(options) { }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }
}
