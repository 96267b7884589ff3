using Microsoft.AspNetCore.Authorization;
using OrthancPortal.Features.Access;

namespace OrthancPortal.Features.Viewers;

/// <summary>
/// Who may use the viewer proxy and OHIF: a signed-in user with ViewContent, or a visitor without a session who
/// brings a valid share cookie (<see cref="IViewerShares"/>). A signed-in user's own rights always apply: the share
/// cookie is read only when nobody is signed in, and then every request is held to the share (<see cref="ViewerShareCheck"/>).
/// </summary>
public static class ViewerAccess
{
    public const string Policy = "ViewerAccess";

    public sealed class Requirement : IAuthorizationRequirement;

    public sealed class Handler : AuthorizationHandler<Requirement>
    {
        protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, Requirement requirement)
        {
            if (context.User.HasClaim(Permissions.ClaimType, Permissions.ViewContent))
            {
                context.Succeed(requirement);
                return;
            }
            if (context.User.Identity?.IsAuthenticated != true && context.Resource is HttpContext http
                && http.RequestServices.GetService<IViewerShares>() is { } shares && await shares.CurrentAsync(http) is not null)
            {
                context.Succeed(requirement);
            }
        }
    }
}
