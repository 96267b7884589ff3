using Microsoft.EntityFrameworkCore;
using OrthancPortal.Components;
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
using OrthancPortal.Features.Labels;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.QueryRetrieve;
using OrthancPortal.Features.Robots;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Features.Worklists;
using OrthancPortal.Infrastructure;
using OrthancPortal.Infrastructure.Health;
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

        builder.AddInfrastructure();
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
        builder.AddWorklists();
        builder.AddContent();
        builder.AddLabels();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseOriginCheck();
        if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/status/500", createScopeForErrors: true);
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.UseStatusPagesForBrowsersOnly();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseActorContext();
        app.UseForcedPasswordChange();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapHealthEndpoints();
        app.MapAccountEndpoints();
        app.MapAccessEndpoints();
        app.MapBasketEndpoints();
        app.MapAnonymizationEndpoints();
        app.MapExportEndpoints();
        app.MapAutomationEndpoints();
        app.MapRobotEndpoints();
        app.MapBurnerEndpoints();
        app.MapAdminEndpoints();
        app.MapWorklistEndpoints();
        app.MapContentEndpoints();
        app.MapLabelEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
