using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Access;

public abstract class PermissionTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_user_without_Admin_gets_403_from_the_page_and_the_endpoint_and_no_menu_entry()
    {
        using var viewer = await fixture.SignInAsync(PortalFixture.ViewerUser);
        (await viewer.GetAsync("admin/users")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await viewer.GetAsync("api/admin/users")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var home = await viewer.GetStringAsync("/");
        home.ShouldNotContain("href=\"admin/users\"");
        home.ShouldContain("data-test=\"nav\"");

        using var admin = await fixture.SignInAsync(PortalFixture.AdminUser);
        (await admin.GetAsync("admin/users")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.GetAsync("api/admin/users")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.GetStringAsync("/")).ShouldContain("href=\"admin/users\"");
    }

    [Fact]
    public async Task Anonymous_callers_get_401_from_the_api_and_the_login_page_for_pages()
    {
        using var anonymous = fixture.Portal.NewClient();
        (await anonymous.GetAsync("api/admin/users")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var page = await anonymous.GetAsync("admin/users");
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.ToString().ShouldContain("/account/login");
    }

    [Fact]
    public async Task The_Admin_role_keeps_Admin_and_the_last_admin_cannot_be_removed()
    {
        await using var portal = await PortalHost.StartManagedAsync(extra: new Dictionary<string, string?> { ["Orthanc:Executable"] = "/bin/false" });
        using var scope = portal.Services.CreateScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdminService>();
        var adminRole = (await admin.ListRolesAsync()).Single(r => r.Name == Roles.Admin);
        (await admin.SetPermissionAsync(adminRole.Id, Permissions.Delete, false)).Succeeded.ShouldBeFalse();

        var only = (await admin.ListUsersAsync()).Single();
        (await admin.DeleteUserAsync(only.Id)).Succeeded.ShouldBeFalse();
        (await admin.SetDisabledAsync(only.Id, true)).Succeeded.ShouldBeFalse();
        (await admin.SetRolesAsync(only.Id, [Roles.User])).Succeeded.ShouldBeFalse();

        var created = await admin.CreateUserAsync("second-admin", null, [Roles.Admin]);
        created.Succeeded.ShouldBeTrue();
        created.OneTimePassword.ShouldNotBeNullOrEmpty();
        (await admin.DeleteUserAsync(only.Id)).Succeeded.ShouldBeTrue("with a second admin, the first may go");
    }

    [Fact]
    public async Task Wrong_passwords_are_each_audited_and_do_not_lock_the_account_itself()
    {
        await fixture.Portal.CreateUserAsync("lockme", PortalFixture.Password, Roles.Viewer);
        for (var i = 0; i < 5; i++)
        {
            var failed = await Should.ThrowAsync<InvalidOperationException>(() => fixture.Portal.SignInAsync("lockme", "wrong-password"));
            failed.Message.ShouldContain("Wrong user name or password");
        }
        // The rate limit (per address and per user name) stops guessing; Identity's lockout, which an attacker could
        // renew forever, is not used. So the right password still works.
        (await fixture.Portal.SignInAsync("lockme", PortalFixture.Password)).Dispose();

        using var scope = fixture.Portal.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var entries = db.Set<AuditEntry>().Where(e => e.UserName == "lockme").ToList();
        entries.Count(e => e.Action == "signin.failure" && !e.Success).ShouldBe(5);
        entries.Count(e => e.Action == "signin.success").ShouldBe(1);
        entries.ShouldAllBe(e => e.Address == "127.0.0.1");
    }

    /// <summary>These tests on the portal's default database.</summary>
    public sealed class OnSqlite(PortalFixture fixture) : PermissionTests(fixture), IClassFixture<PortalFixture>;

    /// <summary>The same tests with the portal's database on PostgreSQL.</summary>
    public sealed class OnPostgres(PostgresPortalFixture fixture) : PermissionTests(fixture), IClassFixture<PostgresPortalFixture>;
}
