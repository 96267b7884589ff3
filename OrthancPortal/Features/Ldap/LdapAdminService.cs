using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Ldap;

/// <summary>One line of the connection test: which step, whether it passed, and what happened.</summary>
public sealed record LdapTestStep(string Step, bool Ok, string Message);

/// <summary>The group-to-role mappings and the "test" button of the LDAP settings page.</summary>
public sealed class LdapAdminService(IDbContextFactory<PortalDbContext> dbFactory, RoleManager<PortalRole> roles, AuditLog audit, IStringLocalizer<LdapAdminService> L)
{
    public async Task<IReadOnlyList<LdapGroupMapping>> ListMappingsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<LdapGroupMapping>().AsNoTracking().OrderBy(m => m.Group).ThenBy(m => m.RoleName).ToListAsync(ct);
    }

    public async Task<AdminResult> AddMappingAsync(string group, string roleName, CancellationToken ct = default)
    {
        group = group.Trim();
        if (group.Length is 0 or > 512) return AdminResult.Fail(L["Enter the group's DN or CN (at most 512 characters)."]);
        var role = await roles.FindByNameAsync(roleName);
        if (role is null) return AdminResult.Fail(L["There is no role '{0}'.", roleName]);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var set = db.Set<LdapGroupMapping>();
        if (await set.AnyAsync(m => m.Group.ToLower() == group.ToLower() && m.RoleName == role.Name, ct))
        {
            return AdminResult.Fail(L["'{0}' already maps to {1}.", group, role.Name!]);
        }
        set.Add(new LdapGroupMapping { Group = group, RoleName = role.Name! });
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync("ldap.mapping.add", $"ldap-group:{group}", $"role: {role.Name}", ct: ct);
        return AdminResult.Ok();
    }

    public async Task<AdminResult> RemoveMappingAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mapping = await db.Set<LdapGroupMapping>().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (mapping is null) return AdminResult.Fail(L["That mapping no longer exists."]);
        db.Remove(mapping);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync("ldap.mapping.remove", $"ldap-group:{mapping.Group}", $"role: {mapping.RoleName}", ct: ct);
        return AdminResult.Ok();
    }

    /// <summary>
    /// Walks the sign-in path with the given (unsaved) settings and reports each step: connect and bind,
    /// find the user, optionally check a password, list the groups and the roles they map to.
    /// </summary>
    public async Task<IReadOnlyList<LdapTestStep>> TestAsync(LdapSettings settings, string userName, string? password, CancellationToken ct = default)
    {
        var mappings = await ListMappingsAsync(ct);
        var steps = await LdapSession.RunAsync(() => Walk(settings, userName.Trim(), password, mappings), ct);
        await audit.WriteAsync("ldap.test", $"ldap:{settings.Server}:{settings.Port}", $"user {userName}: {(steps.All(s => s.Ok) ? "ok" : steps.Last().Message)}",
            steps.All(s => s.Ok), ct);
        return steps;
    }

    private static List<LdapTestStep> Walk(LdapSettings settings, string userName, string? password, IReadOnlyList<LdapGroupMapping> mappings)
    {
        var steps = new List<LdapTestStep>();
        var who = string.IsNullOrEmpty(settings.BindDn) ? "anonymously" : $"as {settings.BindDn}";
        try
        {
            using var session = LdapSession.Open(settings);
            steps.Add(new("Connect and bind", true, $"Connected to {settings.Server}:{settings.Port} ({settings.Security}) and bound {who}."));
            if (string.IsNullOrWhiteSpace(userName)) return steps;
            var user = session.FindUser(userName);
            if (user is null)
            {
                steps.Add(new("Find user", false, $"No entry under {settings.UserSearchBase} matches {settings.UserFilter.Replace("{0}", LdapSession.EscapeFilterValue(userName))}."));
                return steps;
            }
            steps.Add(new("Find user", true, $"Found {user.Dn}{(user.DisplayName is null ? "" : $" ({user.DisplayName})")}."));
            if (!string.IsNullOrEmpty(password))
            {
                var ok = session.CheckPassword(user.Dn, password);
                steps.Add(new("Check password", ok, ok ? "The directory accepted the password." : "The directory refused the password."));
            }
            steps.Add(new("Groups", user.Groups.Count > 0, user.Groups.Count > 0
                ? $"{settings.GroupAttribute}: {string.Join("; ", user.Groups)}"
                : $"The entry has no {settings.GroupAttribute} values. Check the group attribute (OpenLDAP needs the memberof overlay)."));
            var mapped = LdapGroups.RolesFor(user.Groups, mappings);
            steps.Add(new("Roles", mapped.Count > 0, mapped.Count > 0
                ? $"Would sign in with roles: {string.Join(", ", mapped)}."
                : "None of the user's groups is mapped to a portal role: sign-in would be refused."));
        }
        catch (LdapStepException ex)
        {
            steps.Add(new(ex.Step switch
            {
                LdapSession.ConnectStep => "Connect",
                LdapSession.BindStep => "Bind",
                LdapSession.SearchStep => "Find user",
                _ => "Check password",
            }, false, ex.Message));
        }
        return steps;
    }
}
