using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Account;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Ldap;

/// <summary>
/// Signs directory users in with their directory password. A directory user is a PortalUser with Source "ldap"
/// (created at the first sign-in, without a local password); its roles are recomputed from its groups at every
/// sign-in (the union over all mapped groups). Its sessions follow the local rules (SessionStore, revalidation). A local account of the same name always wins and is never merged.
/// </summary>
public sealed class LdapSignIn(
    SettingsStore settings,
    UserManager<PortalUser> users,
    SignInManager<PortalUser> signIn,
    IDbContextFactory<PortalDbContext> dbFactory,
    AuditLog audit,
    ActorContext actors,
    TimeProvider clock,
    ILogger<LdapSignIn> logger) : IDirectorySignIn
{
    public const string Unavailable = "Sign-in through the directory is not available right now. Try again later or ask an administrator.";
    public const string NoGroup = "Your directory account is not in a group that may use the portal. Ask an administrator.";

    public async Task<SignInOutcome?> TrySignInAsync(string userName, string password, bool remember, CancellationToken ct)
    {
        var s = await settings.GetAsync<LdapSettings>(ct);
        if (!s.Enabled) return null;
        userName = userName.Trim();
        var existing = await users.FindByNameAsync(userName);
        // Never merge: a local account of this name is answered by the local store alone.
        if (existing is not null && existing.Source != AccountSources.Ldap) return null;

        LdapUser? entry;
        bool passwordOk;
        try
        {
            (entry, passwordOk) = await LdapSession.RunAsync(() =>
            {
                using var session = LdapSession.Open(s);
                var found = session.FindUser(userName);
                return (found, found is not null && session.CheckPassword(found.Dn, password));
            }, ct);
        }
        catch (LdapStepException ex)
        {
            logger.LogWarning("Directory sign-in of {User} failed at step {Step}: {Reason}", userName, ex.Step, ex.Message);
            await AuditAsync(userName, "signin.failure", $"directory {ex.Step}: {ex.Message}", existing?.Id);
            return new(false, Unavailable);
        }

        if (entry is null)
        {
            if (existing is null) return null;
            await AuditAsync(userName, "signin.failure", "directory: user no longer in the directory", existing.Id);
            return new(false, SignInService.GenericFailure);
        }
        if (existing is not null && await users.IsLockedOutAsync(existing))
        {
            await AuditAsync(userName, "signin.failure", "locked out", existing.Id);
            return new(false, SignInService.GenericFailure);
        }
        if (!passwordOk)
        {
            await AuditAsync(userName, "signin.failure", "directory: wrong password", existing?.Id);
            return new(false, SignInService.GenericFailure);
        }

        var user = existing ?? await CreateAsync(userName, entry);
        if (user is null)
        {
            await AuditAsync(userName, "signin.failure", "directory: could not create the portal account");
            return new(false, Unavailable);
        }
        if (user.IsDisabled)
        {
            await AuditAsync(userName, "signin.failure", "account disabled", user.Id);
            return new(false, "This account is disabled. Ask an administrator.");
        }

        var roles = await SyncRolesAsync(user, entry, ct);
        if (roles.Count == 0)
        {
            await AuditAsync(userName, "signin.failure", $"directory: no mapped group (groups: {string.Join("; ", entry.Groups)})", user.Id);
            return new(false, NoGroup);
        }
        await signIn.SignInAsync(user, remember);
        await AuditAsync(userName, "signin.success", $"directory; roles: {string.Join(", ", roles)}", user.Id, success: true);
        return new(true, null);
    }

    private async Task<PortalUser?> CreateAsync(string userName, LdapUser entry)
    {
        var user = new PortalUser
        {
            UserName = userName,
            DisplayName = entry.DisplayName,
            Source = AccountSources.Ldap,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            LockoutEnabled = true,
        };
        var result = await users.CreateAsync(user);
        if (result.Succeeded) return user;
        logger.LogError("Could not create the directory user {User}: {Errors}", userName, string.Join("; ", result.Errors.Select(e => e.Description)));
        return null;
    }

    /// <summary>Makes the user's roles exactly the mapped roles of its groups.</summary>
    private async Task<IReadOnlyList<string>> SyncRolesAsync(PortalUser user, LdapUser entry, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mappings = await db.Set<LdapGroupMapping>().AsNoTracking().ToListAsync(ct);
        var existingRoles = await db.Roles.Select(r => r.Name!).ToListAsync(ct);
        var wanted = LdapGroups.RolesFor(entry.Groups, mappings)
            .Select(r => existingRoles.FirstOrDefault(e => string.Equals(e, r, StringComparison.OrdinalIgnoreCase)))
            .OfType<string>().ToList();
        var current = await users.GetRolesAsync(user);
        var remove = current.Except(wanted, StringComparer.OrdinalIgnoreCase).ToList();
        var add = wanted.Except(current, StringComparer.OrdinalIgnoreCase).ToList();
        if (remove.Count > 0) await users.RemoveFromRolesAsync(user, remove);
        if (add.Count > 0) await users.AddToRolesAsync(user, add);
        if (entry.DisplayName is not null && entry.DisplayName != user.DisplayName)
        {
            user.DisplayName = entry.DisplayName;
            await users.UpdateAsync(user);
        }
        if (remove.Count + add.Count > 0)
        {
            // No new security stamp: the user's other open sessions get the new roles when their principal is re-issued.
            await audit.WriteAsync(Actor.System with { Address = actors.Address }, "user.roles", $"user:{user.UserName}",
                $"from directory groups: {string.Join(", ", current.Order())} -> {string.Join(", ", wanted.Order())}", ct: ct);
        }
        return wanted;
    }

    private Task AuditAsync(string userName, string action, string details, string? userId = null, bool success = false)
        => audit.WriteAsync(new Actor(userId, userName, actors.Address), action, $"user:{userName}", details, success);
}
