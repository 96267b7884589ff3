using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OrthancPortal.Features.Access;

namespace OrthancPortal.Features.Account;

/// <summary>
/// Re-checks an open circuit's user every <see cref="AccountOptions.SessionRevalidationSeconds"/>: a session that
/// was ended (sign-out elsewhere, disabled user, password change, idle timeout) signs the circuit out; changed roles
/// or permissions replace the circuit's principal, so pages and menu entries follow at once.
/// </summary>
public sealed class SessionRevalidatingStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopes,
    SessionStore sessions,
    IOptions<AccountOptions> options) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(Math.Max(1, options.Value.SessionRevalidationSeconds));

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        var principal = state.User;
        var sessionId = principal.FindFirstValue(SessionStore.SessionClaim);
        if (sessionId is null || !await sessions.IsActiveAsync(sessionId, ct)) return false;

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.GetUserAsync(principal);
        if (user is null || user.IsDisabled) return false;
        var stampClaim = scope.ServiceProvider.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        if (principal.FindFirstValue(stampClaim) != await users.GetSecurityStampAsync(user)) return false;

        var fresh = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<PortalUser>>().CreateAsync(user);
        ((ClaimsIdentity)fresh.Identity!).AddClaim(new Claim(SessionStore.SessionClaim, sessionId));
        if (!SameClaims(principal, fresh))
        {
            // Starts a new revalidation loop for the new principal; this loop ends because its token is cancelled.
            SetAuthenticationState(Task.FromResult(new AuthenticationState(fresh)));
        }
        return true;
    }

    /// <summary>"amr" records how the user signed in (a re-issued principal does not carry it); everything else must match.</summary>
    private static bool SameClaims(ClaimsPrincipal a, ClaimsPrincipal b)
    {
        static HashSet<(string, string)> Of(ClaimsPrincipal p) => p.Claims.Where(c => c.Type != "amr").Select(c => (c.Type, c.Value)).ToHashSet();
        return Of(a).SetEquals(Of(b));
    }
}

/// <summary>
/// Work in an open tab (clicks, navigation inside the circuit) sends no cookie request, so it moves the session's
/// idle deadline here, at most once per <see cref="SessionStore.TouchInterval"/>.
/// </summary>
public sealed class SessionActivityCircuitHandler(AuthenticationStateProvider auth, SessionStore sessions, TimeProvider clock, ILogger<SessionActivityCircuitHandler> logger)
    : CircuitHandler
{
    private DateTimeOffset lastTouch = clock.GetUtcNow();

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next)
        => async context =>
        {
            var now = clock.GetUtcNow();
            if (now - lastTouch >= sessions.TouchInterval)
            {
                lastTouch = now;
                try
                {
                    var sessionId = (await auth.GetAuthenticationStateAsync()).User.FindFirstValue(SessionStore.SessionClaim);
                    if (sessionId is not null) await sessions.TouchAsync(sessionId);
                }
                catch (Exception ex)
                {
                    // A database hiccup must not break the user's page; the next activity tries again.
                    logger.LogWarning(ex, "Could not record session activity");
                }
            }
            await next(context);
        };
}
