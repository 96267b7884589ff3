using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace OrthancPortal.Infrastructure.Database;

/// <summary>
/// The portal's model on PostgreSQL (<c>Portal:Database = Postgres</c>). A type of its own because EF keys a migration
/// set by context type: its migrations are in PostgresMigrations/, written with
/// <c>dotnet ef migrations add Name --context PostgresPortalDbContext --output-dir Infrastructure/Database/PostgresMigrations</c>.
/// It also holds the Data Protection key ring, so every portal on the database shares the keys.
/// </summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options) : PortalDbContext(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Only several processes need it: live messages too large for NOTIFY (Infrastructure/Live).
        builder.Entity<Live.LiveMessage>(Live.LiveMessage.Configure);
    }

    /// <summary>
    /// Times keep SQLite's meaning: a <c>timestamp</c> without zone that holds UTC by convention (and wall-clock times,
    /// like a worklist entry's, as they are). Npgsql refuses a UTC DateTime for <c>timestamp</c> and an unspecified one
    /// for <c>timestamptz</c>; dropping the kind on the way in makes both work, and values read back are unspecified,
    /// exactly as SQLite gives them, so no feature behaves differently on the two engines.
    /// </summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        builder.Properties<DateTime>().HaveColumnType("timestamp without time zone").HaveConversion<KindlessDateTime>();
        builder.Properties<DateTime?>().HaveColumnType("timestamp without time zone").HaveConversion<KindlessDateTime>();
    }

    private sealed class KindlessDateTime() : ValueConverter<DateTime, DateTime>(
        v => DateTime.SpecifyKind(v, DateTimeKind.Unspecified), v => DateTime.SpecifyKind(v, DateTimeKind.Unspecified));
}

/// <summary>For <c>dotnet ef</c> only: the PostgreSQL model, without a server (writing migrations needs none).</summary>
internal sealed class DesignTimePostgresPortalDbContextFactory : IDesignTimeDbContextFactory<PostgresPortalDbContext>
{
    public PostgresPortalDbContext CreateDbContext(string[] args)
        => new(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql("Host=localhost;Database=design-time").Options);
}

/// <summary>Hands out a provider's context as the <see cref="PortalDbContext"/> every feature asks for.</summary>
internal sealed class PortalDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<PortalDbContext>
    where TContext : PortalDbContext
{
    public PortalDbContext CreateDbContext() => inner.CreateDbContext();
    public async Task<PortalDbContext> CreateDbContextAsync(CancellationToken ct = default) => await inner.CreateDbContextAsync(ct);
}
