using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OrthancPortal.Features.Access;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Account;

/// <summary>
/// The cookie's server-side ticket store: sessions are rows in <see cref="PortalSession"/>. A request costs one
/// primary-key lookup, plus a write at most once a <see cref="TouchInterval"/> to move the idle deadline.
/// There is deliberately no cache: ending a session (sign-out, disable, password change) must hold on the very
/// next request, on every portal process.
/// </summary>
public sealed class SessionStore(IDbContextFactory<PortalDbContext> dbFactory, IOptions<AccountOptions> options, TimeProvider clock) : ITicketStore, IUserSessions
{
    /// <summary>Claim carrying the session's id (the hashed key), so an open circuit can check its own session.</summary>
    public const string SessionClaim = "portal:session";

    /// <summary>
    /// How stale the last-seen time may get before a request (or circuit activity) writes it again: 30 s, or the
    /// revalidation interval when that is shorter (the idle deadline is never coarser than the checks that read it).
    /// </summary>
    public TimeSpan TouchInterval => TimeSpan.FromSeconds(Math.Clamp(options.Value.SessionRevalidationSeconds, 1, 30));

    private TimeSpan IdleTimeout => TimeSpan.FromMinutes(options.Value.IdleTimeoutMinutes);

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var id = IdOf(key);
        var userId = ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("A session needs a user id.");
        MarkSession(ticket.Principal, id);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync();
        db.Set<PortalSession>().Add(new PortalSession
        {
            Id = id, UserId = userId, CreatedAt = now, LastSeenAt = now, ExpiresAt = now + IdleTimeout,
            Ticket = TicketSerializer.Default.Serialize(ticket),
        });
        await db.SaveChangesAsync();
        return key;
    }

    public Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken ct) => StoreAsync(ticket);

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, touch: true, CancellationToken.None);

    public Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken ct) => RetrieveAsync(key, touch: true, ct);

    // The circuit's own transport is no sign of a person (long polling asks every few seconds, for an untouched tab
    // too); circuits report real activity through SessionActivityCircuitHandler.
    public Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext httpContext, CancellationToken ct)
        => RetrieveAsync(key, touch: !httpContext.Request.Path.StartsWithSegments("/_blazor"), ct);

    private async Task<AuthenticationTicket?> RetrieveAsync(string key, bool touch, CancellationToken ct)
    {
        var id = IdOf(key);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Set<PortalSession>().AsNoTracking().Where(s => s.Id == id)
            .Select(s => new { s.LastSeenAt, s.ExpiresAt, s.Ticket }).FirstOrDefaultAsync(ct);
        if (row is null) return null;
        if (row.ExpiresAt <= now)
        {
            await db.Set<PortalSession>().Where(s => s.Id == id).ExecuteDeleteAsync(ct);
            return null;
        }
        var expires = row.ExpiresAt;
        if (touch && now - row.LastSeenAt >= TouchInterval)
        {
            expires = now + IdleTimeout;
            await db.Set<PortalSession>().Where(s => s.Id == id)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, now).SetProperty(s => s.ExpiresAt, expires), ct);
        }
        var ticket = TicketSerializer.Default.Deserialize(row.Ticket);
        if (ticket is null) return null;
        // The row decides how long the session lives: activity in a circuit moves it without any cookie request.
        ticket.Properties.ExpiresUtc = new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc));
        MarkSession(ticket.Principal, id);
        return ticket;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, CancellationToken.None);

    /// <summary>
    /// Saves a refreshed ticket (e.g. new roles). The idle deadline is not moved here (RetrieveAsync did that for a
    /// person's request), and a session ended meanwhile stays ended: nothing is re-created.
    /// </summary>
    public async Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken ct)
    {
        var id = IdOf(key);
        MarkSession(ticket.Principal, id);
        var now = clock.GetUtcNow().UtcDateTime;
        var bytes = TicketSerializer.Default.Serialize(ticket);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Set<PortalSession>().Where(s => s.Id == id && s.ExpiresAt > now).ExecuteUpdateAsync(u => u.SetProperty(s => s.Ticket, bytes), ct);
    }

    public Task RemoveAsync(string key) => RemoveAsync(key, CancellationToken.None);

    public async Task RemoveAsync(string key, CancellationToken ct)
    {
        var id = IdOf(key);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Set<PortalSession>().Where(s => s.Id == id).ExecuteDeleteAsync(ct);
    }

    /// <summary>Whether the session with this id (the <see cref="SessionClaim"/> value) is still open.</summary>
    public async Task<bool> IsActiveAsync(string sessionId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<PortalSession>().AnyAsync(s => s.Id == sessionId && s.ExpiresAt > now, ct);
    }

    /// <summary>Activity seen outside a cookie request (in a circuit) keeps the session from going idle.</summary>
    public async Task TouchAsync(string sessionId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Set<PortalSession>().Where(s => s.Id == sessionId && s.ExpiresAt > now)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, now).SetProperty(s => s.ExpiresAt, now + IdleTimeout), ct);
    }

    /// <summary>Ends every session of a user (password changed, disabled, reset); returns how many were open.</summary>
    public async Task<int> EndUserSessionsAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<PortalSession>().Where(s => s.UserId == userId).ExecuteDeleteAsync(ct);
    }

    public async Task<int> CountUserSessionsAsync(string userId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<PortalSession>().CountAsync(s => s.UserId == userId && s.ExpiresAt > now, ct);
    }

    /// <summary>Deletes the rows of sessions that went idle (a browser that never came back never signs out).</summary>
    public async Task<int> DeleteExpiredAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<PortalSession>().Where(s => s.ExpiresAt <= now).ExecuteDeleteAsync(ct);
    }

    private static string IdOf(string key) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));

    private static void MarkSession(ClaimsPrincipal principal, string id)
    {
        if (principal.HasClaim(c => c.Type == SessionClaim) || principal.Identity is not ClaimsIdentity identity) return;
        identity.AddClaim(new Claim(SessionClaim, id));
    }
}
