using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace OrthancPortal.Features.Audit;

/// <summary>Who did something, and from where. Background work acts as <see cref="System"/> or on behalf of a task's owner.</summary>
public sealed record Actor(string? UserId, string UserName, string? Address)
{
    public static readonly Actor System = new(null, "system", null);

    public static Actor FromPrincipal(ClaimsPrincipal principal, string? address) => new(
        principal.FindFirstValue(ClaimTypes.NameIdentifier),
        principal.Identity?.IsAuthenticated == true ? principal.Identity.Name ?? "?" : "anonymous",
        address);
}

/// <summary>
/// The current actor in the current scope. In an HTTP request the middleware sets it from HttpContext;
/// in a Blazor circuit the address is captured when the circuit opens and the user comes from the
/// circuit's authentication state.
/// </summary>
public sealed class ActorContext(IServiceProvider services)
{
    public ClaimsPrincipal? Principal { get; set; }
    public string? Address { get; set; }

    public async Task<Actor> GetAsync()
    {
        if (Principal is not null) return Actor.FromPrincipal(Principal, Address);
        var auth = services.GetService<AuthenticationStateProvider>();
        if (auth is null) return Actor.System with { Address = Address };
        try
        {
            var state = await auth.GetAuthenticationStateAsync();
            return Actor.FromPrincipal(state.User, Address);
        }
        catch (InvalidOperationException)
        {
            // Not inside a component scope: there is no signed-in user to name.
            return Actor.System with { Address = Address };
        }
    }
}
