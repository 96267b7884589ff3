using System.Net;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OrthancPortal.Components.Ui;
using OrthancPortal.Features.Account;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Files;
using OrthancPortal.Infrastructure.Live;
using OrthancPortal.Infrastructure.Scheduling;

namespace OrthancPortal.Infrastructure;

public static class InfrastructureServiceCollectionExtensions
{
    public static WebApplicationBuilder AddInfrastructure(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // The one PortalOptions everyone gets, as IOptions<PortalOptions>. A relative data folder is resolved here, once.
        services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section)
            .PostConfigure(o => { if (!string.IsNullOrWhiteSpace(o.DataFolder)) o.DataFolder = Path.GetFullPath(o.DataFolder); })
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataFolder), "Portal:DataFolder must name the folder the portal keeps its files in.")
            .ValidateOnStart();

        services.AddDbContextFactory<PortalDbContext>((sp, o) => o
            .UseSqlite($"Data Source={DataFolderOf(sp).DatabasePath};Pooling=true;Default Timeout=30")
            .AddInterceptors(new SqlitePragmas()));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());
        services.AddScoped<SchemaMigrator>();
        // Runs before every other hosted service, so they find the schema and the seeded roles.
        services.AddHostedService<DatabaseInitializer>();

        // Keys live in the data folder, never in the repository: they protect stored passwords and the auth cookie.
        services.AddDataProtection().SetApplicationName("OrthancPortal");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<PortalOptions>, ILoggerFactory>((o, portal, logs)
            => o.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(portal.Value.KeysFolder), logs));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<LiveNotifier>();
        services.AddOptions<SchedulingOptions>().BindConfiguration(SchedulingOptions.Section);
        services.AddSingleton<QuartzHost>();
        services.AddHostedService(sp => sp.GetRequiredService<QuartzHost>());
        services.AddSingleton<SettingsStore>();
        services.AddSingleton<WorkFolders>();

        services.AddScoped<ActorContext>();
        services.AddScoped<AuditLog>();
        services.AddScoped<CircuitHandler, ActorCircuitHandler>();
        services.AddScoped<ToastService>();
        services.AddHttpContextAccessor();

        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<PortalOptions>>((o, portalOptions) =>
        {
            var portal = portalOptions.Value;
            // Only the configured proxies are believed. With none, the headers are not read at all: the middleware
            // trusts every sender when both lists are empty, which would let any client forge its address.
            o.ForwardedHeaders = portal.TrustedProxies.Count == 0 ? ForwardedHeaders.None : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownNetworks.Clear();
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
internal sealed class DatabaseInitializer(IServiceScopeFactory scopes, IOptions<PortalOptions> portal) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(portal.Value.DataFolder);
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SchemaMigrator>().MigrateAsync(ct);
        await scope.ServiceProvider.GetRequiredService<AccessSeeder>().SeedAsync();
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
