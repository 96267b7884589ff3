using Microsoft.EntityFrameworkCore;
using OrthancPortal.Components;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Account;
using OrthancPortal.Features.Anonymization;
using OrthancPortal.Features.Baskets;
using OrthancPortal.Features.Export;
using OrthancPortal.Features.Automation;
using OrthancPortal.Features.Modalities;
using OrthancPortal.Features.Burner;
using OrthancPortal.Features.Admin;
using OrthancPortal.Features.Ldap;
using OrthancPortal.Features.Content;
using OrthancPortal.Features.Documents;
using OrthancPortal.Features.Gdt;
using OrthancPortal.Features.Home;
using OrthancPortal.Features.Import;
using OrthancPortal.Features.Labels;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.QueryRetrieve;
using OrthancPortal.Features.Robots;
using OrthancPortal.Features.Shares;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Features.Viewers;
using OrthancPortal.Features.Worklists;
using OrthancPortal.Infrastructure;
using OrthancPortal.Infrastructure.Footprint;
using OrthancPortal.Infrastructure.Health;
using OrthancPortal.Infrastructure.Localization;
using OrthancPortal.Infrastructure.Security;

var app = PortalApp.Build(args);
await app.RunAsync();

/// <summary>The portal, feature by feature. Tests build the same app with their own settings.</summary>
public static class PortalApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, string? webRoot = null)
    {
        // Before anything writes a file: the database, keys, GDT and worklist files get no bits for other users.
        FilePermissions.RestrictUmask();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = "OrthancPortal",
            // appsettings.json (the deployable defaults) is copied next to the binary.
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = webRoot,
        });
        builder.WebHost.UseStaticWebAssets();

        // Hosted services start in the order they are registered here, and stop in reverse:
        // - AddInfrastructure first: its DatabaseInitializer migrates the database before any other hosted service
        //   reads it, and Quartz (BackgroundJobs) starts after it, so no job runs against an old schema.
        // - AddOrthanc before every feature that calls Orthanc at start: ManagedOrthancService starts the managed
        //   Orthanc before the health monitor and the change feed (registered after it, in the same method).
        // - AddTasks after AddOrthanc: resumed tasks call Orthanc.
        // The later hosted services (sessions, robots, burner, automation, worklist cleanup) need only the database,
        // Quartz and a reachable Orthanc, so their order among themselves does not matter; the menu orders by NavItem.Order.
        builder.AddInfrastructure();
        builder.AddFootprint();
        builder.AddPortalUi();
        builder.AddAccess();
        builder.AddAccount();
        builder.AddOrthanc();
        builder.AddTasks();
        builder.AddBaskets();
        builder.AddAnonymization();
        builder.AddExport();
        builder.AddAutomation();
        builder.AddModalities();
        builder.AddQueryRetrieve();
        builder.AddRobots();
        builder.AddBurner();
        builder.AddSecurityHardening();
        builder.AddLdap();
        builder.AddAdmin();
        builder.AddGdt();
        builder.AddWorklists();
        builder.AddContent();
        builder.AddImport();
        builder.AddViewers();
        builder.AddLabels();
        builder.AddDocuments();
        builder.AddShares();
        builder.AddHome();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseForwardedHeaders();
        // First, so every request counts as activity for the idle trimmer (Infrastructure/Footprint).
        app.UseActivityTracking();
        app.UseOriginCheck();
        // Before the status pages and sign-in, so error pages and the sign-in form speak the user's language too.
        app.UsePortalLocalization();
        if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/status/500", createScopeForErrors: true);
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.UseStatusPagesForBrowsersOnly();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseActorContext();
        app.UseForcedPasswordChange();
        // Before authorization: a share link's cookie reaches the viewers only, never a page (403, not a sign-in redirect).
        app.UseShareCookieGuard();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapHealthEndpoints();
        app.MapCultureEndpoint();
        app.MapAccountEndpoints();
        app.MapAccessEndpoints();
        app.MapBasketEndpoints();
        app.MapAnonymizationEndpoints();
        app.MapExportEndpoints();
        app.MapAutomationEndpoints();
        app.MapRobotEndpoints();
        app.MapBurnerEndpoints();
        app.MapAdminEndpoints();
        app.MapHeldChangesEndpoints();
        app.MapWorklistEndpoints();
        app.MapViewerProxy();
        app.MapOhif();
        app.MapContentEndpoints();
        app.MapImportEndpoints();
        app.MapLabelEndpoints();
        app.MapDocumentEndpoints();
        app.MapShareEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
