using Microsoft.AspNetCore.Identity;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;

namespace OrthancPortal.Features.Account;

public sealed record SignInOutcome(bool Succeeded, string? Error, bool MustChangePassword = false);

/// <summary>
/// Directory sign-in (LDAP/AD). Returns null when the directory is not configured or does not know the user,
/// so the local account store answers instead.
/// </summary>
public interface IDirectorySignIn
{
    Task<SignInOutcome?> TrySignInAsync(string userName, string password, bool remember, CancellationToken ct);
}

/// <summary>Signs users in and out, with lockout and an audit entry for every attempt.</summary>
public sealed class SignInService(
    SignInManager<PortalUser> signIn,
    UserManager<PortalUser> users,
    AuditLog audit,
    SessionStore sessions,
    IEnumerable<IDirectorySignIn> directories)
{
    public const string GenericFailure = "Wrong user name or password.";

    public async Task<SignInOutcome> SignInAsync(string userName, string password, bool remember, string? address, CancellationToken ct = default)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null || user.Source != AccountSources.Local)
        {
            foreach (var directory in directories)
            {
                var outcome = await directory.TrySignInAsync(userName, password, remember, ct);
                if (outcome is not null) return outcome;
            }
        }

        if (user is null)
        {
            await AuditAsync(userName, address, "signin.failure", "unknown user", false);
            return new(false, GenericFailure);
        }
        if (user.IsDisabled)
        {
            await AuditAsync(userName, address, "signin.failure", "account disabled", false, user.Id);
            return new(false, "This account is disabled. Ask an administrator.");
        }

        var result = await signIn.PasswordSignInAsync(user, password, remember, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            await AuditAsync(userName, address, "signin.success", null, true, user.Id);
            return new(true, null, user.MustChangePassword);
        }
        if (result.IsLockedOut)
        {
            await AuditAsync(userName, address, "signin.failure", "locked out", false, user.Id);
            return new(false, "Too many failed attempts. The account is locked for a while; try again later.");
        }
        await AuditAsync(userName, address, "signin.failure", "wrong password", false, user.Id);
        return new(false, GenericFailure);
    }

    public async Task SignOutAsync(Actor actor)
    {
        await signIn.SignOutAsync();
        await audit.WriteAsync(actor, "signout", $"user:{actor.UserName}");
    }

    public async Task<IdentityResult> ChangePasswordAsync(PortalUser user, string current, string next, Actor actor)
    {
        var result = await users.ChangePasswordAsync(user, current, next);
        if (!result.Succeeded) return result;
        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        // Every session of the user ends, this one too: a cookie copied before the change must not outlive it.
        // The cookie handler would keep this request's session key on a new sign-in, so the user signs in again.
        var ended = await sessions.EndUserSessionsAsync(user.Id);
        await signIn.SignOutAsync();
        await audit.WriteAsync(actor, "account.change-password", $"user:{user.UserName}", $"ended {ended} session(s)");
        return result;
    }

    private Task AuditAsync(string userName, string? address, string action, string? details, bool success, string? userId = null)
        => audit.WriteAsync(new Actor(userId, userName, address), action, $"user:{userName}", details, success);
}
