using MudBlazor;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Account;

namespace OrthancPortal.Features.Ldap;

public static class LdapServiceCollectionExtensions
{
    public static WebApplicationBuilder AddLdap(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<IDirectorySignIn, LdapSignIn>();
        builder.Services.AddScoped<LdapAdminService>();
        builder.Services.AddNavItem(new NavItem("Directory (LDAP)", "admin/ldap", Icons.Material.Filled.AccountTree, Permissions.Admin, 915, NavArea.Administration, AdminSection.Access));
        return builder;
    }
}
