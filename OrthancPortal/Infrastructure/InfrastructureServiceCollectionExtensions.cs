using System.Net;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OrthancPortal.Features.Account;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Files;
using OrthancPortal.Infrastructure.Live;
using OrthancPortal.Infrastructure.Logging;
using OrthancPortal.Infrastructure.Scheduling;
using OrthancPortal.Infrastructure.Time;

namespace OrthancPortal.Infrastructure;

public static class InfrastructureServiceCollectionExtensions
{
    public static WebApplicationBuilder AddInfrastructure(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // The one PortalOptions everyone gets, as IOptions<PortalOptions>. A relative data folder is resolved here, once.
        services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section)
            .PostConfigure(o => o.Normalize())
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataFolder), "Portal:DataFolder must name the folder the portal keeps its files in.")
            .ValidateOnStart();
        var portal = PortalOptions.FromConfiguration(builder.Configuration);

        services.AddPortalDatabase(portal);
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());
        services.AddScoped<PortalDbMigrator>();
        // Runs before every other hosted service, so they find the schema and the seeded roles.
        services.AddHostedService<DatabaseInitializer>();
        // Which process this is among the portals on one database: heartbeat, leases (right after the schema exists).
        services.AddCluster();
        services.AddHealthChecks().AddDbContextCheck<PortalDbContext>("database");
        builder.Logging.AddFileLog(portal.DataFolder);

        // Keys live in the data folder, never in the repository: they protect stored passwords and the auth cookie.
        // On a Linux host they are protected by the owner-only folder (ProtectPrivateFiles); with a certificate from the
        // admin (Portal:KeysCertificate, a PKCS#12 file) they are encrypted at rest as well.
        // On PostgreSQL the key ring is in the database (table DataProtectionKeys), so every portal sharing it reads the
        // same keys: a cookie or a stored secret written by one is read by the others.
        var dataProtection = services.AddDataProtection().SetApplicationName("OrthancPortal");
        if (portal.Database == PortalDatabase.Postgres)
        {
            dataProtection.PersistKeysToDbContext<PostgresPortalDbContext>();
        }
        else
        {
            services.AddOptions<KeyManagementOptions>().Configure<IOptions<PortalOptions>, ILoggerFactory>((o, portal, logs)
                => o.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(portal.Value.KeysFolder), logs));
        }
        if (!string.IsNullOrEmpty(portal.KeysCertificate))
        {
            dataProtection.ProtectKeysWithCertificate(
                System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(portal.KeysCertificate, portal.KeysCertificatePassword));
        }
        services.AddSingleton<TimeProvider>(new PortalTimeProvider(PortalTimeProvider.ZoneFromSetting(portal.TimeZone)));
        services.AddSingleton<LiveNotifier>();
        // Several portals share a PostgreSQL database: live messages reach the pages of every one of them.
        if (portal.Database == PortalDatabase.Postgres) services.AddHostedService<PostgresLiveFanOut>();
        BackgroundJobs.Register(services, builder.Configuration.GetSection(SchedulingOptions.Section).Get<SchedulingOptions>() ?? new SchedulingOptions());
        services.AddSingleton<SettingsStore>();
        services.AddSingleton<WorkFolders>();

        services.AddScoped<ActorContext>();
        services.AddSingleton<AuditWriter>();
        services.AddScoped<AuditLog>();
        services.AddScoped<CircuitHandler, ActorCircuitHandler>();
        services.AddHttpContextAccessor();

        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<PortalOptions>>((o, portalOptions) =>
        {
            var portal = portalOptions.Value;
            // Only the configured proxies are believed. With none, the headers are not read at all: the middleware
            // trusts every sender when both lists are empty, which would let any client forge its address.
            o.ForwardedHeaders = portal.TrustedProxies.Count == 0 ? ForwardedHeaders.None : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            foreach (var proxy in portal.TrustedProxies)
            {
                if (IPAddress.TryParse(proxy, out var address)) o.KnownProxies.Add(address);
            }
        });
        services.AddRazorComponents().AddInteractiveServerComponents();
        return builder;
    }

    private static PortalOptions DataFolderOf(IServiceProvider services) => services.GetRequiredService<IOptions<PortalOptions>>().Value;

    /// <summary>
    /// <c>IDbContextFactory&lt;PortalDbContext&gt;</c> on the engine <c>Portal:Database</c> names. On PostgreSQL the context
    /// is a <see cref="PostgresPortalDbContext"/> (its own migrations), handed out as a PortalDbContext.
    /// </summary>
    /// <summary>Idle contexts kept for reuse; more than this many at once are made and dropped as before.</summary>
    private const int ContextPoolSize = 64;

    private static void AddPortalDatabase(this IServiceCollection services, PortalOptions portal)
    {
        switch (portal.Database)
        {
            // Pooled: the portal makes a context for nearly every step (each request's session lookup, each audit row,
            // each change the feed delivers), and setting up a fresh one was 5 % of the portal's CPU under imports.
            case PortalDatabase.Sqlite:
                services.AddPooledDbContextFactory<PortalDbContext>((sp, o) => o
                    .UseSqlite($"Data Source={DataFolderOf(sp).DatabasePath};Pooling=true;Default Timeout=30")
                    .AddInterceptors(new SqlitePragmas()), ContextPoolSize);
                break;
            case PortalDatabase.Postgres:
                if (string.IsNullOrWhiteSpace(portal.ConnectionString))
                {
                    throw new InvalidOperationException(
                        "Portal:Database is Postgres, but Portal:ConnectionString is empty. Give the Npgsql connection string, " +
                        "e.g. Portal__ConnectionString='Host=db.example.org;Database=portal;Username=portal;Password=...'.");
                }
                services.AddPooledDbContextFactory<PostgresPortalDbContext>(o => o.UseNpgsql(portal.ConnectionString), ContextPoolSize);
                services.AddSingleton<IDbContextFactory<PortalDbContext>>(sp
                    => new PortalDbContextFactory<PostgresPortalDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresPortalDbContext>>()));
                // The Data Protection key store resolves the context itself.
                services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<PostgresPortalDbContext>>().CreateDbContext());
                break;
            default:
                throw new InvalidOperationException($"Portal:Database must be Sqlite or Postgres, not {portal.Database}.");
        }
    }

    /// <summary>
    /// The database (password hashes, secrets) and the key ring are for the portal alone: 0600 files in 0700 folders,
    /// whatever the umask. The empty database file is made here, so SQLite's WAL and shared-memory files, which copy its
    /// mode, start owner-only too. Existing files from older versions are tightened on every start.
    /// </summary>
    internal static void ProtectPrivateFiles(PortalOptions portal)
    {
        if (OperatingSystem.IsWindows()) return;
        if (portal.Database == PortalDatabase.Sqlite && !File.Exists(portal.DatabasePath))
        {
            using var _ = new FileStream(portal.DatabasePath, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = Security.FilePermissions.OwnerOnlyFile,
            });
        }
        if (portal.Database == PortalDatabase.Sqlite)
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" }) Security.FilePermissions.OwnerOnly(portal.DatabasePath + suffix);
        }
        Directory.CreateDirectory(portal.KeysFolder);
        Security.FilePermissions.OwnerOnly(portal.KeysFolder);
        foreach (var key in Directory.EnumerateFiles(portal.KeysFolder)) Security.FilePermissions.OwnerOnly(key);
    }

    /// <summary>
    /// Pages get the friendly status page; API callers and form posts keep the bare status code
    /// (a re-executed POST would also trip antiforgery on the status page).
    /// </summary>
    public static IApplicationBuilder UseStatusPagesForBrowsersOnly(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!HttpMethods.IsGet(http.Request.Method) || http.Request.Path.StartsWithSegments("/api"))
        {
            var statusPages = http.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>();
            if (statusPages is not null) statusPages.Enabled = false;
        }
        await next();
    });

    /// <summary>Records who is acting in this request, for the audit log.</summary>
    public static IApplicationBuilder UseActorContext(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var actor = http.RequestServices.GetRequiredService<ActorContext>();
        actor.Principal = http.User;
        actor.Address = http.Connection.RemoteIpAddress?.ToString();
        await next();
    });
}

/// <summary>Captures the client address when a Blazor circuit opens; the circuit's own requests went through the forwarded-headers middleware.</summary>
internal sealed class ActorCircuitHandler(ActorContext actor, IHttpContextAccessor http) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken ct)
    {
        actor.Address ??= http.HttpContext?.Connection.RemoteIpAddress?.ToString();
        return Task.CompletedTask;
    }
}

/// <summary>Applies schema migrations and seeds roles and the first admin before anything else starts.</summary>
internal sealed class DatabaseInitializer(IServiceScopeFactory scopes, IOptions<PortalOptions> portal, LeaseStore leases) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(portal.Value.DataFolder);
        InfrastructureServiceCollectionExtensions.ProtectPrivateFiles(portal.Value);
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PortalDbMigrator>().MigrateAsync(ct);
        // Under a lease: two portals starting at once on an empty database would both see no roles and no users.
        // (EF's migrator already takes a lock of its own on each engine.)
        await leases.RunExclusiveAsync("seeding", TimeSpan.FromMinutes(2),
            () => scope.ServiceProvider.GetRequiredService<AccessSeeder>().SeedAsync(), ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
