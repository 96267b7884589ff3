using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Infrastructure.Live;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Tests.Components;

/// <summary>
/// A real portal database (SQLite, the schema the portal creates) in a temp file, for component tests of components
/// whose services read the database. Deleted with the test.
/// </summary>
public sealed class ComponentDatabase : IDbContextFactory<PortalDbContext>, IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"portal-component-{Guid.NewGuid():N}.db");
    private readonly DbContextOptions<PortalDbContext> options;

    public ComponentDatabase()
    {
        options = new DbContextOptionsBuilder<PortalDbContext>().UseSqlite($"Data Source={path};Pooling=False").Options;
        using var db = CreateDbContext();
        db.Database.EnsureCreated();
    }

    public PortalDbContext CreateDbContext() => new(options);

    /// <summary>Adds rows as a background job of the portal would.</summary>
    public void Add(params object[] rows)
    {
        using var db = CreateDbContext();
        db.AddRange(rows);
        db.SaveChanges();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(path);
    }
}

/// <summary>
/// The base of component tests whose services read the database and listen to the live channel: a fresh schema per
/// test (removed after it), registered as the portal's DbContext factory, and the one <see cref="LiveNotifier"/>.
/// </summary>
public abstract class DatabaseComponentTest : PortalComponentTest, IAsyncLifetime
{
    protected ComponentDatabase Database { get; } = new();
    protected LiveNotifier Notifier { get; } = new(Microsoft.Extensions.Logging.Abstractions.NullLogger<LiveNotifier>.Instance);

    protected DatabaseComponentTest()
    {
        Services.AddLogging();
        Services.AddSingleton<IDbContextFactory<PortalDbContext>>(Database);
        Services.AddSingleton(Notifier);
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        Database.Dispose();
    }
}
