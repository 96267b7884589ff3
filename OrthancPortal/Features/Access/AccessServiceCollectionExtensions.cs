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
        builder.Services.AddNavItem(new NavItem("Users", "admin/users", "bi-people", Permissions.Admin, 900, "Administration"));
        builder.Services.AddNavItem(new NavItem("Roles", "admin/roles", "bi-shield-lock", Permissions.Admin, 910, "Administration"));
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
