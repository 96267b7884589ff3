using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Content;

/// <summary>
/// Service actions check the caller's permission themselves, so a page that forgets to hide a button, or a
/// crafted circuit call, still cannot act. The user comes from the HTTP request or from the Blazor circuit.
/// </summary>
public sealed class PermissionGuard(ActorContext actors, IServiceProvider services)
{
    private static readonly IStringLocalizer<PermissionGuard> L = PortalText.For<PermissionGuard>();

    public async Task<bool> HasAsync(string permission)
    {
        var user = await UserAsync();
        return user.HasClaim(Permissions.ClaimType, permission);
    }

    public async Task RequireAsync(string permission)
    {
        if (!await HasAsync(permission))
        {
            throw new UnauthorizedAccessException(L["You need the '{0}' permission: {1}.", permission, Permissions.Describe(permission)]);
        }
    }

    /// <summary>The signed-in user of this request or circuit (an empty principal when there is none).</summary>
    public async Task<ClaimsPrincipal> UserAsync()
    {
        if (actors.Principal is not null) return actors.Principal;
        var auth = services.GetService<AuthenticationStateProvider>();
        if (auth is null) return new ClaimsPrincipal();
        try { return (await auth.GetAuthenticationStateAsync()).User; }
        catch (InvalidOperationException) { return new ClaimsPrincipal(); }
    }
}
