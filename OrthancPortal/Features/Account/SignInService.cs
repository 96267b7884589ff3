using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Security;

namespace OrthancPortal.Features.Account;

/// <summary>The result of a sign-in; <see cref="RetryAfterSeconds"/> is set when the rate limit refused the attempt (429).</summary>
public sealed record SignInOutcome(bool Succeeded, string? Error, bool MustChangePassword = false, int? RetryAfterSeconds = null);

/// <summary>
/// Directory sign-in (LDAP/AD). Returns null when the directory is not configured or does not know the user,
/// so the local account store answers instead.
/// </summary>
public interface IDirectorySignIn
{
    Task<SignInOutcome?> TrySignInAsync(string userName, string password, bool remember, CancellationToken ct);
}

/// <summary>
/// Signs users in and out, with an audit entry for every attempt. Failed attempts are rate-limited per client address
/// and per user name (<see cref="FailureRateLimiter"/>, shared by all portal processes); Identity's own lockout
/// counter is not used, because it has no window: an attacker's slow trickle of wrong passwords would lock the
/// account again and again. A full limit answers 429 without checking the password, so it gives a guesser nothing.
/// </summary>
public sealed class SignInService(
    SignInManager<PortalUser> signIn,
    UserManager<PortalUser> users,
    AuditLog audit,
    FailureRateLimiter limiter,
    SessionStore sessions,
    IEnumerable<IDirectorySignIn> directories)
{
    /// <summary>The one answer to an unknown user, a wrong password and a locked account: none of them confirms that the account exists.</summary>
    public const string GenericFailure = "Wrong user name or password.";
    public const string TooManyFailures = "Too many failed sign-ins. Wait a few minutes, then try again.";

    /// <summary>Verified against for an unknown user, so that answer takes as long as a wrong password.</summary>
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<PortalUser>().HashPassword(new PortalUser(), Guid.NewGuid().ToString()));

    public async Task<SignInOutcome> SignInAsync(string userName, string password, bool remember, string? address, CancellationToken ct = default)
    {
        var limits = limiter.Options;
        var lease = await limiter.AcquireAsync(
        [
            new RateLimitKey("signin-address", address ?? "unknown", limits.SignInFailuresPerAddress),
            // Unknown names are counted too, so a 429 says nothing about whether the account exists.
            new RateLimitKey("signin-user", users.NormalizeName(userName.Trim()), limits.SignInFailuresPerUserName),
        ], ct);
        if (!lease.Granted)
        {
            if (lease.FirstRefusalInWindow)
            {
                var by = lease.RefusedBy!;
                var what = by.Kind == "signin-address" ? $"from {address}" : "for this user name";
                await AuditAsync(userName, address, "signin.rate-limited",
                    $"{by.Limit} failed sign-ins {what} within {limits.Window.TotalMinutes:0.#} min; refused for {lease.RetryAfterSeconds} s", false);
            }
            return new(false, TooManyFailures, RetryAfterSeconds: lease.RetryAfterSeconds);
        }

        var outcome = await AttemptAsync(userName, password, remember, address, ct);
        if (outcome.Succeeded) await lease.SucceededAsync(ct);
        else await lease.FailedAsync(ct);
        return outcome;
    }

    private async Task<SignInOutcome> AttemptAsync(string userName, string password, bool remember, string? address, CancellationToken ct)
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
            users.PasswordHasher.VerifyHashedPassword(new PortalUser(), DummyHash.Value, password);
            await AuditAsync(userName, address, "signin.failure", "unknown user", false);
            return new(false, GenericFailure);
        }

        var check = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: false);
        if (check.IsLockedOut)
        {
            await AuditAsync(userName, address, "signin.failure", "locked out", false, user.Id);
            return new(false, GenericFailure);
        }
        if (!check.Succeeded)
        {
            await AuditAsync(userName, address, "signin.failure", "wrong password", false, user.Id);
            return new(false, GenericFailure);
        }
        // Said only after the right password: it tells the account's owner, not a guesser.
        if (user.IsDisabled)
        {
            await AuditAsync(userName, address, "signin.failure", "account disabled", false, user.Id);
            return new(false, "This account is disabled. Ask an administrator.");
        }

        // As PasswordSignInAsync does: the session records that a password authenticated it.
        await signIn.SignInWithClaimsAsync(user, remember, [new Claim("amr", "pwd")]);
        await AuditAsync(userName, address, "signin.success", null, true, user.Id);
        return new(true, null, user.MustChangePassword);
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
