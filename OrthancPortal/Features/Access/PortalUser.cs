using Microsoft.AspNetCore.Identity;

namespace OrthancPortal.Features.Access;

public sealed class PortalUser : IdentityUser
{
    public string? DisplayName { get; set; }

    /// <summary>Set for the generated first-start admin and after an admin resets a password.</summary>
    public bool MustChangePassword { get; set; }

    public bool IsDisabled { get; set; }

    /// <summary>"local" or "ldap". A directory account never merges with a local one of the same name.</summary>
    public string Source { get; set; } = AccountSources.Local;

    public DateTime CreatedAt { get; set; }
}

public sealed class PortalRole : IdentityRole
{
    public PortalRole() { }
    public PortalRole(string name) : base(name) { }
    public string? Description { get; set; }

    /// <summary>
    /// Null: the role sees every study. Otherwise the labels (comma-separated, each <c>OrthancClient.IsLabel</c>) of
    /// which a study must carry at least one for this role to see it; see <c>StudyAccess</c>.
    /// </summary>
    public string? StudyLabelLimit { get; set; }
}

public static class AccountSources
{
    public const string Local = "local";
    public const string Ldap = "ldap";
}
