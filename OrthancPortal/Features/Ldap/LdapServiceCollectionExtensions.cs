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
        builder.Services.AddNavItem(new NavItem("Directory (LDAP)", "admin/ldap", "bi-diagram-3", Permissions.Admin, 915, "Administration"));
        return builder;
    }
}
