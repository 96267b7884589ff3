using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using OrthancPortal.Features.Audit;

namespace OrthancPortal.Features.Access;

public sealed record UserRow(string Id, string UserName, string? DisplayName, string Source, bool IsDisabled, bool MustChangePassword, bool LockedOut, IReadOnlyList<string> Roles)
{
    // A row is its user: the grid keys rows by item, so a reload after a role change keeps the row's role boxes (a second
    // box ticked meanwhile is not lost). See StudyRow.
    public bool Equals(UserRow? other) => other is not null && other.Id == Id;
    public override int GetHashCode() => Id.GetHashCode(StringComparison.Ordinal);
}

/// <param name="StudyLabels">The labels the role is limited to (empty: every study).</param>
public sealed record RoleRow(string Id, string Name, string? Description, IReadOnlySet<string> Permissions, int UserCount, bool BuiltIn,
    IReadOnlyList<string> StudyLabels);

public sealed record AdminResult(bool Succeeded, string? Error = null, string? OneTimePassword = null)
{
    public static AdminResult Ok(string? password = null) => new(true, null, password);
    public static AdminResult Fail(string error) => new(false, error);
}

/// <summary>Users and roles for the admin pages. Keeps the rules: Admin keeps Admin, and at least one active admin remains.</summary>
public sealed class UserAdminService(UserManager<PortalUser> users, RoleManager<PortalRole> roles, AuditLog audit, IUserSessions sessions, TimeProvider clock,
    IStringLocalizer<UserAdminService> L)
{
    public async Task<IReadOnlyList<UserRow>> ListUsersAsync()
    {
        var list = await users.Users.OrderBy(u => u.UserName).ToListAsync();
        var rows = new List<UserRow>();
        foreach (var u in list)
        {
            rows.Add(new(u.Id, u.UserName!, u.DisplayName, u.Source, u.IsDisabled, u.MustChangePassword,
                u.LockoutEnd > clock.GetUtcNow(), (await users.GetRolesAsync(u)).Order().ToList()));
        }
        return rows;
    }

    /// <summary>One page of the users list, filtered and sorted in the database; roles are read for that page only.</summary>
    /// <param name="search">Part of the user name or display name (any case).</param>
    /// <param name="sortBy">"UserName" (default), "DisplayName" or "Source".</param>
    public async Task<(IReadOnlyList<UserRow> Rows, int Total)> PageUsersAsync(string? search, string? sortBy, bool descending, int skip, int take, CancellationToken ct = default)
    {
        var query = users.Users.AsQueryable();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToUpperInvariant();
            query = query.Where(u => u.NormalizedUserName!.Contains(term) || (u.DisplayName != null && u.DisplayName.ToUpper().Contains(term)));
        }
        var total = await query.CountAsync(ct);
        query = (sortBy, descending) switch
        {
            ("DisplayName", false) => query.OrderBy(u => u.DisplayName).ThenBy(u => u.UserName),
            ("DisplayName", true) => query.OrderByDescending(u => u.DisplayName).ThenBy(u => u.UserName),
            ("Source", false) => query.OrderBy(u => u.Source).ThenBy(u => u.UserName),
            ("Source", true) => query.OrderByDescending(u => u.Source).ThenBy(u => u.UserName),
            (_, true) => query.OrderByDescending(u => u.UserName),
            _ => query.OrderBy(u => u.UserName),
        };
        var list = await query.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
        var rows = new List<UserRow>();
        foreach (var u in list)
        {
            rows.Add(new(u.Id, u.UserName!, u.DisplayName, u.Source, u.IsDisabled, u.MustChangePassword,
                u.LockoutEnd > clock.GetUtcNow(), (await users.GetRolesAsync(u)).Order().ToList()));
        }
        return (rows, total);
    }

    public async Task<AdminResult> CreateUserAsync(string userName, string? displayName, IReadOnlyCollection<string> roleNames)
    {
        if (string.IsNullOrWhiteSpace(userName)) return AdminResult.Fail(L["Enter a user name."]);
        if (await users.FindByNameAsync(userName) is not null) return AdminResult.Fail(L["A user '{0}' already exists.", userName]);
        var password = PasswordGenerator.Generate(userName.Trim(), users.Options.Password.RequiredLength);
        var user = new PortalUser { UserName = userName.Trim(), DisplayName = displayName, MustChangePassword = true, CreatedAt = clock.GetUtcNow().UtcDateTime, LockoutEnabled = true };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded) return AdminResult.Fail(Describe(result));
        if (roleNames.Count > 0) await users.AddToRolesAsync(user, roleNames);
        await audit.WriteAsync("user.create", $"user:{user.UserName}", $"roles: {string.Join(", ", roleNames)}");
        return AdminResult.Ok(password);
    }

    public async Task<AdminResult> SetDisabledAsync(string userId, bool disabled)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null) return AdminResult.Fail(L["That user no longer exists."]);
        if (disabled && await IsLastActiveAdminAsync(user)) return AdminResult.Fail(L["This is the last active administrator; it cannot be disabled."]);
        user.IsDisabled = disabled;
        await users.UpdateAsync(user);
        await users.UpdateSecurityStampAsync(user);
        await audit.WriteAsync(disabled ? "user.disable" : "user.enable", $"user:{user.UserName}");
        if (disabled) await EndSessionsAsync(user, "disabled");
        return AdminResult.Ok();
    }

    public async Task<AdminResult> ResetPasswordAsync(string userId)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null) return AdminResult.Fail(L["That user no longer exists."]);
        if (user.Source != AccountSources.Local) return AdminResult.Fail(L["Directory users change their password in the directory."]);
        var password = PasswordGenerator.Generate(user.UserName, users.Options.Password.RequiredLength);
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var result = await users.ResetPasswordAsync(user, token, password);
        if (!result.Succeeded) return AdminResult.Fail(Describe(result));
        user.MustChangePassword = true;
        await users.UpdateAsync(user);
        await users.SetLockoutEndDateAsync(user, null);
        await audit.WriteAsync("user.reset-password", $"user:{user.UserName}");
        await EndSessionsAsync(user, "password reset");
        return AdminResult.Ok(password);
    }

    public async Task<AdminResult> SetRolesAsync(string userId, IReadOnlyCollection<string> roleNames)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null) return AdminResult.Fail(L["That user no longer exists."]);
        var current = await users.GetRolesAsync(user);
        if (current.Contains(Roles.Admin) && !roleNames.Contains(Roles.Admin) && await IsLastActiveAdminAsync(user))
        {
            return AdminResult.Fail(L["This is the last active administrator; it must keep the Admin role."]);
        }
        await users.RemoveFromRolesAsync(user, current.Except(roleNames));
        await users.AddToRolesAsync(user, roleNames.Except(current));
        // The stamp stays: open sessions keep going and get the new roles when their principal is re-issued (within a minute).
        await audit.WriteAsync("user.roles", $"user:{user.UserName}", $"{string.Join(", ", current.Order())} -> {string.Join(", ", roleNames.Order())}");
        return AdminResult.Ok();
    }

    public async Task<AdminResult> DeleteUserAsync(string userId)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null) return AdminResult.Fail(L["That user no longer exists."]);
        if (await IsLastActiveAdminAsync(user)) return AdminResult.Fail(L["This is the last active administrator; it cannot be deleted."]);
        var open = await sessions.CountUserSessionsAsync(user.Id);
        // The user's session rows go with it (foreign key, cascade).
        await users.DeleteAsync(user);
        await audit.WriteAsync("user.delete", $"user:{user.UserName}", open > 0 ? $"ended {open} session(s)" : null);
        return AdminResult.Ok();
    }

    public async Task<IReadOnlyList<RoleRow>> ListRolesAsync()
    {
        var rows = new List<RoleRow>();
        foreach (var role in await roles.Roles.OrderBy(r => r.Name).ToListAsync())
        {
            var claims = await roles.GetClaimsAsync(role);
            var members = await users.GetUsersInRoleAsync(role.Name!);
            rows.Add(new(role.Id, role.Name!, role.Description,
                claims.Where(c => c.Type == Permissions.ClaimType).Select(c => c.Value).ToHashSet(),
                members.Count, Roles.Seeded.ContainsKey(role.Name!), Labels.LabelLimit.Parse(role.StudyLabelLimit)));
        }
        return rows;
    }

    public async Task<AdminResult> CreateRoleAsync(string name, string? description)
    {
        if (string.IsNullOrWhiteSpace(name)) return AdminResult.Fail(L["Enter a role name."]);
        if (await roles.RoleExistsAsync(name)) return AdminResult.Fail(L["A role '{0}' already exists.", name]);
        var result = await roles.CreateAsync(new PortalRole(name.Trim()) { Description = description });
        if (!result.Succeeded) return AdminResult.Fail(Describe(result));
        await audit.WriteAsync("role.create", $"role:{name}");
        return AdminResult.Ok();
    }

    public async Task<AdminResult> DeleteRoleAsync(string roleId)
    {
        var role = await roles.FindByIdAsync(roleId);
        if (role is null) return AdminResult.Fail(L["That role no longer exists."]);
        if (Roles.Seeded.ContainsKey(role.Name!)) return AdminResult.Fail(L["Built-in roles cannot be deleted."]);
        await roles.DeleteAsync(role);
        await audit.WriteAsync("role.delete", $"role:{role.Name}");
        return AdminResult.Ok();
    }

    public async Task<AdminResult> SetPermissionAsync(string roleId, string permission, bool granted)
    {
        var role = await roles.FindByIdAsync(roleId);
        if (role is null) return AdminResult.Fail(L["That role no longer exists."]);
        if (!Permissions.All.Contains(permission)) return AdminResult.Fail(L["Unknown permission '{0}'.", permission]);
        if (role.Name == Roles.Admin && !granted) return AdminResult.Fail(L["The Admin role always holds every permission."]);
        var claims = await roles.GetClaimsAsync(role);
        var has = claims.Any(c => c.Type == Permissions.ClaimType && c.Value == permission);
        if (has == granted) return AdminResult.Ok();
        var result = granted
            ? await roles.AddClaimAsync(role, new(Permissions.ClaimType, permission))
            : await roles.RemoveClaimAsync(role, new(Permissions.ClaimType, permission));
        if (!result.Succeeded) return AdminResult.Fail(Describe(result));
        await audit.WriteAsync(granted ? "role.grant" : "role.revoke", $"role:{role.Name}", permission);
        return AdminResult.Ok();
    }

    /// <summary>
    /// Limits the role to studies carrying at least one of <paramref name="labels"/> (comma- or space-separated);
    /// empty lifts the limit. Members get it when their principal is re-issued (within the revalidation interval).
    /// </summary>
    public async Task<AdminResult> SetLabelLimitAsync(string roleId, string? labels)
    {
        var role = await roles.FindByIdAsync(roleId);
        if (role is null) return AdminResult.Fail(L["That role no longer exists."]);
        var list = (labels ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        if (list.FirstOrDefault(l => !Orthanc.OrthancClient.IsLabel(l)) is { } bad) return AdminResult.Fail(L["'{0}' is not a label: use 1 to 64 letters, digits, '_' or '-'.", bad]);
        if (list.Count > 20) return AdminResult.Fail(L["Limit a role to at most 20 labels."]);
        if (role.Name == Roles.Admin && list.Count > 0) return AdminResult.Fail(L["The Admin role always sees every study."]);
        var stored = list.Count == 0 ? null : string.Join(',', list.Order(StringComparer.Ordinal));
        if (stored == role.StudyLabelLimit) return AdminResult.Ok();
        var before = role.StudyLabelLimit ?? "(every study)";
        role.StudyLabelLimit = stored;
        var result = await roles.UpdateAsync(role);
        if (!result.Succeeded) return AdminResult.Fail(Describe(result));
        await audit.WriteAsync("role.label-limit", $"role:{role.Name}", $"{before} -> {stored ?? "(every study)"}");
        return AdminResult.Ok();
    }

    /// <summary>Signs the user out everywhere at once, audited under the administrator who caused it.</summary>
    private async Task EndSessionsAsync(PortalUser user, string reason)
    {
        var ended = await sessions.EndUserSessionsAsync(user.Id);
        if (ended > 0) await audit.WriteAsync("user.sessions-ended", $"user:{user.UserName}", $"{ended} session(s), {reason}");
    }

    private async Task<bool> IsLastActiveAdminAsync(PortalUser user)
    {
        var admins = await users.GetUsersInRoleAsync(Roles.Admin);
        return admins.Any(a => a.Id == user.Id) && admins.Count(a => !a.IsDisabled) <= 1;
    }

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));
}
