using MudBlazor;
using Microsoft.AspNetCore.Authorization;
using OrthancPortal.Components.Layout;

namespace OrthancPortal.Features.Access;

public static class AccessServiceCollectionExtensions
{
    public static WebApplicationBuilder AddAccess(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthorization(o =>
        {
            foreach (var permission in Permissions.All)
            {
                o.AddPolicy(permission, p => p.RequireAuthenticatedUser().RequireClaim(Permissions.ClaimType, permission));
            }
            // Anything mapped without its own rule still needs a signed-in user.
            o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
        builder.Services.AddScoped<UserAdminService>();
        builder.Services.AddNavItem(new NavItem("Users", "admin/users", Icons.Material.Filled.People, Permissions.Admin, 900, NavArea.Administration, AdminSection.Access));
        builder.Services.AddNavItem(new NavItem("Roles", "admin/roles", Icons.Material.Filled.Security, Permissions.Admin, 910, NavArea.Administration, AdminSection.Access));
        return builder;
    }
}

public static class AccessEndpoints
{
    public static WebApplication MapAccessEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api/admin").RequireAuthorization(Permissions.Admin);
        api.MapGet("/users", async (UserAdminService admin) => Results.Ok(await admin.ListUsersAsync()));
        api.MapGet("/roles", async (UserAdminService admin) => Results.Ok(await admin.ListRolesAsync()));
        return app;
    }
}
