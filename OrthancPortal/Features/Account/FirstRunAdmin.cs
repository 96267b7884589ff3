using Microsoft.AspNetCore.Identity;
using OrthancPortal.Features.Access;

namespace OrthancPortal.Features.Account;

/// <summary>Where the generated first-start password goes: the console, once. Never a log, never a file.</summary>
public interface IInitialPasswordSink
{
    void Show(string userName, string password);
}

public sealed class ConsoleInitialPasswordSink : IInitialPasswordSink
{
    public void Show(string userName, string password)
    {
        // Straight to the console, not through ILogger: log files and log shippers must never hold it.
        Console.Out.WriteLine($"""

            ================================================================
             OrthancPortal first start: sign in as '{userName}' with
                 {password}
             You will be asked to choose a new password. This is shown once.
            ================================================================

            """);
        Console.Out.Flush();
    }
}

/// <summary>Seeds roles with their permissions, and on a database without users makes an admin with a random password.</summary>
public sealed class AccessSeeder(UserManager<PortalUser> users, RoleManager<PortalRole> roles, IInitialPasswordSink sink, TimeProvider clock, ILogger<AccessSeeder> logger)
{
    public const string AdminUserName = "admin";

    public async Task SeedAsync()
    {
        foreach (var (roleName, permissions) in Roles.Seeded)
        {
            if (await roles.FindByNameAsync(roleName) is not null) continue;
            var role = new PortalRole(roleName) { Description = $"Built-in {roleName} role" };
            Check(await roles.CreateAsync(role));
            foreach (var p in permissions) Check(await roles.AddClaimAsync(role, new(Permissions.ClaimType, p)));
        }

        if (users.Users.Any()) return;
        var password = PasswordGenerator.Generate(AdminUserName, users.Options.Password.RequiredLength);
        var admin = new PortalUser { UserName = AdminUserName, DisplayName = "Administrator", MustChangePassword = true, CreatedAt = clock.GetUtcNow().UtcDateTime, LockoutEnabled = true };
        Check(await users.CreateAsync(admin, password));
        Check(await users.AddToRoleAsync(admin, Roles.Admin));
        logger.LogWarning("Created the first administrator '{User}'. Its one-time password was printed to the console.", AdminUserName);
        sink.Show(AdminUserName, password);
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
