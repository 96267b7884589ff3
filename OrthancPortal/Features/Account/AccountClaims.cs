using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Labels;

namespace OrthancPortal.Features.Account;

/// <summary>Adds the portal's own claims: permissions come from the roles (the base class), plus the "must change password" flag.</summary>
public sealed class PortalClaimsFactory(UserManager<PortalUser> users, RoleManager<PortalRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PortalUser, PortalRole>(users, roles, options)
{
    public const string MustChangePasswordClaim = "portal:must-change-password";
    public const string SourceClaim = "portal:source";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.MustChangePassword) identity.AddClaim(new Claim(MustChangePasswordClaim, "true"));
        identity.AddClaim(new Claim(SourceClaim, user.Source));
        // A role limited to labelled studies (re-issued with the permissions, so a change follows within the revalidation interval).
        var held = new List<(PortalRole, bool)>();
        foreach (var name in await UserManager.GetRolesAsync(user))
        {
            if (await RoleManager.FindByNameAsync(name) is not { } role) continue;
            var claims = await RoleManager.GetClaimsAsync(role);
            held.Add((role, claims.Any(c => c.Type == Permissions.ClaimType && c.Value == Permissions.ViewContent)));
        }
        identity.AddClaims(LabelLimit.ClaimsFor(held));
        return identity;
    }
}
