using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Ldap;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Ldap;

/// <summary>A real slapd with users and groups, and a portal that signs its users in.</summary>
public sealed class LdapFixture : IAsyncLifetime
{
    public const string UploadersRole = "Uploaders";
    public LdapServer Ldap { get; private set; } = default!;
    public PortalHost Portal { get; private set; } = default!;
    public string Password(string uid) => $"Dir-{uid}-{Ldap.Port}";

    public async Task InitializeAsync()
    {
        Ldap = await LdapServer.StartAsync();
        foreach (var uid in new[] { "alice", "bob", "carol", "dave", "erin" }) await Ldap.AddUserAsync(uid, Password(uid), $"{uid} Example");
        await Ldap.AddGroupAsync("portal-admins", "alice");
        await Ldap.AddGroupAsync("viewers", "bob", "carol", "dave");
        await Ldap.AddGroupAsync("uploaders", "bob", "carol");
        await Ldap.AddGroupAsync("unmapped", "erin");

        Portal = await PortalHost.StartManagedAsync(extra: new Dictionary<string, string?>
        {
            // No Orthanc is needed to sign in.
            ["Orthanc:Executable"] = "/bin/false",
            ["Ldap:Enabled"] = "true",
            ["Ldap:Server"] = "127.0.0.1",
            ["Ldap:Port"] = Ldap.Port.ToString(),
            ["Ldap:Security"] = "None",
            ["Ldap:BindDn"] = LdapServer.AdminDn,
            ["Ldap:BindPassword"] = Ldap.AdminPassword,
            ["Ldap:UserSearchBase"] = LdapServer.PeopleDn,
        });
        await Portal.CreateRoleAsync(UploadersRole, Permissions.Import);
        using var scope = Portal.Services.CreateScope();
        var admin = scope.ServiceProvider.GetRequiredService<LdapAdminService>();
        // By DN, and by CN: both name a group.
        (await admin.AddMappingAsync(LdapServer.GroupDn("portal-admins"), Roles.Admin)).Succeeded.ShouldBeTrue();
        (await admin.AddMappingAsync("viewers", Roles.Viewer)).Succeeded.ShouldBeTrue();
        (await admin.AddMappingAsync("CN=Uploaders," + LdapServer.GroupsDn, UploadersRole)).Succeeded.ShouldBeTrue();
    }

    public async Task<(PortalUser User, IReadOnlyList<string> Roles, IReadOnlySet<string> Permissions)> AccountAsync(string userName)
    {
        using var scope = Portal.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = (await users.FindByNameAsync(userName))!;
        var principal = await scope.ServiceProvider.GetRequiredService<SignInManager<PortalUser>>().CreateUserPrincipalAsync(user);
        var permissions = principal.FindAll(Permissions.ClaimType).Select(c => c.Value).ToHashSet();
        return (user, (await users.GetRolesAsync(user)).Order().ToList(), permissions);
    }

    public List<AuditEntry> Audit(string userName)
    {
        using var scope = Portal.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<AuditEntry>().Where(e => e.UserName == userName || e.Resource == "user:" + userName).OrderBy(e => e.Id).ToList();
    }

    public async Task DisposeAsync()
    {
        if (Portal is not null) await Portal.DisposeAsync();
        if (Ldap is not null) await Ldap.DisposeAsync();
    }
}

public sealed class LdapSignInTests(LdapFixture fixture) : IClassFixture<LdapFixture>
{
    [Fact]
    public async Task A_directory_user_signs_in_with_the_directory_password_and_gets_the_mapped_role()
    {
        using var client = await fixture.Portal.SignInAsync("alice", fixture.Password("alice"));
        (await client.GetAsync("api/admin/users")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var (user, roles, _) = await fixture.AccountAsync("alice");
        user.Source.ShouldBe(AccountSources.Ldap);
        user.PasswordHash.ShouldBeNull("a directory user has no local password");
        user.DisplayName.ShouldBe("alice Example");
        roles.ShouldBe([Roles.Admin]);
        fixture.Audit("alice").ShouldContain(e => e.Action == "signin.success" && e.Success && e.Details!.Contains("directory"));
    }

    [Fact]
    public async Task A_user_in_two_mapped_groups_gets_the_permissions_of_both_roles()
    {
        using var client = await fixture.Portal.SignInAsync("bob", fixture.Password("bob"));
        var (_, roles, permissions) = await fixture.AccountAsync("bob");
        roles.ShouldBe([LdapFixture.UploadersRole, Roles.Viewer]);
        permissions.ShouldBe(new HashSet<string> { Permissions.ViewContent, Permissions.Import }, ignoreOrder: true);
        (await client.GetAsync("api/admin/users")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_wrong_password_fails_and_is_audited()
    {
        var ex = await Should.ThrowAsync<InvalidOperationException>(() => fixture.Portal.SignInAsync("dave", "not-the-password"));
        ex.Message.ShouldContain("Wrong user name or password");
        var failure = fixture.Audit("dave").ShouldHaveSingleItem();
        failure.Action.ShouldBe("signin.failure");
        failure.Success.ShouldBeFalse();
        failure.Details.ShouldBe("directory: wrong password");
        failure.Address.ShouldBe("127.0.0.1");
        // An empty password would be an anonymous bind: refused as well.
        await Should.ThrowAsync<InvalidOperationException>(() => fixture.Portal.SignInAsync("dave", " "));
    }

    [Fact]
    public async Task A_user_removed_from_a_group_loses_its_role_at_the_next_sign_in()
    {
        (await fixture.Portal.SignInAsync("carol", fixture.Password("carol"))).Dispose();
        (await fixture.AccountAsync("carol")).Permissions.ShouldContain(Permissions.Import);

        await fixture.Ldap.RemoveMemberAsync("uploaders", "carol");
        (await fixture.Portal.SignInAsync("carol", fixture.Password("carol"))).Dispose();

        var (_, roles, permissions) = await fixture.AccountAsync("carol");
        roles.ShouldBe([Roles.Viewer]);
        permissions.ShouldNotContain(Permissions.Import);
        fixture.Audit("carol").ShouldContain(e => e.Action == "user.roles" && e.Details!.Contains("-> Viewer"));
    }

    [Fact]
    public async Task A_user_in_no_mapped_group_is_refused()
    {
        var ex = await Should.ThrowAsync<InvalidOperationException>(() => fixture.Portal.SignInAsync("erin", fixture.Password("erin")));
        ex.Message.ShouldContain("not in a group");
        (await fixture.AccountAsync("erin")).Roles.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_local_account_never_merges_with_a_directory_account_of_the_same_name()
    {
        const string localPassword = "Local-Password-9";
        await fixture.Portal.CreateUserAsync("dave2", localPassword, Roles.Viewer);
        await fixture.Ldap.AddUserAsync("dave2", fixture.Password("dave2"), "dave2 Directory");
        await fixture.Ldap.AddGroupAsync("dave2-admins", "dave2");
        using (var scope = fixture.Portal.Services.CreateScope())
        {
            (await scope.ServiceProvider.GetRequiredService<LdapAdminService>().AddMappingAsync("dave2-admins", Roles.Admin)).Succeeded.ShouldBeTrue();
        }

        await Should.ThrowAsync<InvalidOperationException>(() => fixture.Portal.SignInAsync("dave2", fixture.Password("dave2")));
        using var client = await fixture.Portal.SignInAsync("dave2", localPassword);
        var (user, roles, _) = await fixture.AccountAsync("dave2");
        user.Source.ShouldBe(AccountSources.Local);
        roles.ShouldBe([Roles.Viewer]);
    }

    [Fact]
    public async Task The_test_button_reports_exactly_which_step_failed()
    {
        using var scope = fixture.Portal.Services.CreateScope();
        var admin = scope.ServiceProvider.GetRequiredService<LdapAdminService>();
        var settings = await scope.ServiceProvider.GetRequiredService<OrthancPortal.Features.Settings.SettingsStore>().GetAsync<LdapSettings>();

        var ok = await admin.TestAsync(settings, "bob", fixture.Password("bob"));
        ok.ShouldAllBe(s => s.Ok);
        ok.Last().Message.ShouldContain("Uploaders");

        settings.BindPassword = "wrong";
        var badBind = (await admin.TestAsync(settings, "bob", null)).ShouldHaveSingleItem();
        badBind.Step.ShouldBe("Bind");
        badBind.Message.ShouldContain(LdapServer.AdminDn);

        settings.BindPassword = fixture.Ldap.AdminPassword;
        (await admin.TestAsync(settings, "nobody", null)).Last().ShouldSatisfyAllConditions(
            s => s.Step.ShouldBe("Find user"), s => s.Ok.ShouldBeFalse());

        settings.Port = TestEnvironment.FreePort();
        var down = (await admin.TestAsync(settings, "bob", null)).ShouldHaveSingleItem();
        down.Step.ShouldBe("Connect");
        down.Message.ShouldContain($"127.0.0.1:{settings.Port}");
    }

    [Theory]
    [InlineData("a*)(uid=*", @"a\2a\29\28uid=\2a")]
    [InlineData(@"x\y", @"x\5cy")]
    public void User_names_cannot_change_the_search_filter(string input, string escaped)
        => LdapSession.EscapeFilterValue(input).ShouldBe(escaped);

    [Fact]
    public void Groups_match_by_DN_or_CN_case_insensitively()
    {
        LdapGroups.Matches("Viewers", "cn=viewers,ou=groups,dc=example,dc=org").ShouldBeTrue();
        LdapGroups.Matches("CN=Viewers, OU=Groups,DC=example,DC=org", "cn=viewers,ou=groups,dc=example,dc=org").ShouldBeTrue();
        LdapGroups.Matches("viewer", "cn=viewers,ou=groups,dc=example,dc=org").ShouldBeFalse();
        LdapGroups.RolesFor(["cn=a,dc=x", "cn=b,dc=x"], [new() { Group = "a", RoleName = "R1" }, new() { Group = "b", RoleName = "R2" }, new() { Group = "c", RoleName = "R3" }])
            .ShouldBe(["R1", "R2"]);
    }
}
