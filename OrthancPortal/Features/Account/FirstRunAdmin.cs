using System.Security.Cryptography;
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
        var password = GeneratePassword(AdminUserName, users.Options.Password.RequiredLength);
        var admin = new PortalUser { UserName = AdminUserName, DisplayName = "Administrator", MustChangePassword = true, CreatedAt = clock.GetUtcNow().UtcDateTime, LockoutEnabled = true };
        Check(await users.CreateAsync(admin, password));
        Check(await users.AddToRoleAsync(admin, Roles.Admin));
        logger.LogWarning("Created the first administrator '{User}'. Its one-time password was printed to the console.", AdminUserName);
        sink.Show(AdminUserName, password);
    }

    /// <summary>
    /// At least 20 characters (more if the policy asks for more) from an unambiguous alphabet, with each class the
    /// password policy may demand, never containing <paramref name="userName"/>: the result always passes the policy.
    /// </summary>
    public static string GeneratePassword(string? userName = null, int minLength = 20)
    {
        string password;
        do password = RandomPassword(Math.Max(20, minLength));
        while (UserNamePasswordValidator.Contains(password, userName));
        return password;
    }

    private static string RandomPassword(int length)
    {
        const string lower = "abcdefghijkmnpqrstuvwxyz", upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", digits = "23456789", symbols = "-_.!+";
        var all = lower + upper + digits + symbols;
        var chars = new List<char>
        {
            lower[RandomNumberGenerator.GetInt32(lower.Length)], upper[RandomNumberGenerator.GetInt32(upper.Length)],
            digits[RandomNumberGenerator.GetInt32(digits.Length)], symbols[RandomNumberGenerator.GetInt32(symbols.Length)],
        };
        while (chars.Count < length) chars.Add(all[RandomNumberGenerator.GetInt32(all.Length)]);
        return new string(chars.OrderBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue)).ToArray());
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
