using FluentValidation;
using OrthancPortal.Features.Settings;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Ldap;

public enum LdapSecurity { None, StartTls, Ldaps }

/// <summary>How the portal reaches the directory (LDAP or Active Directory). Edited at /admin/ldap.</summary>
public sealed class LdapSettings : ISettingsSection
{
    public static string SectionName => "Ldap";

    public bool Enabled { get; set; }
    public string Server { get; set; } = "";
    public int Port { get; set; } = 389;
    public LdapSecurity Security { get; set; } = LdapSecurity.StartTls;
    /// <summary>The service account that searches for users; empty binds anonymously.</summary>
    public string BindDn { get; set; } = "";
    [Secret] public string? BindPassword { get; set; }
    public string UserSearchBase { get; set; } = "";
    /// <summary>LDAP filter; {0} is replaced by the escaped user name. AD: (&amp;(objectClass=user)(sAMAccountName={0})).</summary>
    public string UserFilter { get; set; } = "(&(objectClass=inetOrgPerson)(uid={0}))";
    /// <summary>The user attribute that lists the user's groups (memberOf in AD and in OpenLDAP with the memberof overlay).</summary>
    public string GroupAttribute { get; set; } = "memberOf";
    public string DisplayNameAttribute { get; set; } = "cn";
    public int TimeoutSeconds { get; set; } = 10;

    public sealed class Validator : AbstractValidator<LdapSettings>
    {
        private static readonly IStringLocalizer<LdapSettings> L = PortalText.For<LdapSettings>();

        public Validator()
        {
            When(x => x.Enabled, () =>
            {
                RuleFor(x => x.Server).NotEmpty().WithMessage(_ => L["Enter the directory server's host name."])
                    .Must(s => Uri.CheckHostName(s) != UriHostNameType.Unknown).WithMessage(_ => L["The server must be a host name or an IP address, without ldap://."]);
                RuleFor(x => x.UserSearchBase).NotEmpty().WithMessage(_ => L["Enter the search base, for example ou=people,dc=clinic,dc=local."]);
                RuleFor(x => x.UserFilter).NotEmpty().Must(f => f.Contains("{0}") && f.StartsWith('(') && f.EndsWith(')'))
                    .WithMessage(_ => L["The user filter must be in parentheses and contain {0} for the user name."]);
                RuleFor(x => x.GroupAttribute).NotEmpty().Matches("^[A-Za-z][A-Za-z0-9-]*$").WithMessage(_ => L["Enter an attribute name such as memberOf."]);
                RuleFor(x => x.BindPassword).NotEmpty().When(x => !string.IsNullOrEmpty(x.BindDn)).WithMessage(_ => L["Enter the bind password for the bind DN."]);
            });
            RuleFor(x => x.Port).InclusiveBetween(1, 65535);
            RuleFor(x => x.TimeoutSeconds).InclusiveBetween(1, 120);
        }
    }
}
