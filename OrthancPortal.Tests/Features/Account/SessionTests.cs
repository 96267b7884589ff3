using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Account;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Account;

/// <summary>Sessions live on the server: ending one refuses every copy of its cookie on the next request.</summary>
public abstract class SessionTests(SessionPortalFixture fixture)
{
    [Fact]
    public async Task A_cookie_copied_before_sign_out_is_refused_right_after_it()
    {
        var admin = await fixture.NewUserAsync("signout", Roles.Admin);
        var (client, cookie) = await fixture.SignInAsync(admin);
        (await fixture.GetWithCookieAsync("api/admin/users", cookie)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var signOut = await client.PostAsync("account/logout", null);
        signOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // At once, not at the next revalidation.
        (await fixture.GetWithCookieAsync("api/admin/users", cookie)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var page = await fixture.GetWithCookieAsync("", cookie);
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.ToString().ShouldContain("/account/login");
        fixture.Sessions(await fixture.UserIdAsync(admin)).ShouldBeEmpty();
        fixture.Audit(admin).ShouldContain(e => e.Action == "signout" && e.UserName == admin);
    }

    [Fact]
    public async Task After_a_password_change_every_earlier_cookie_of_the_user_is_refused()
    {
        var user = await fixture.NewUserAsync("pwchange", Roles.Viewer);
        var (client, cookie) = await fixture.SignInAsync(user);
        var (_, otherBrowser) = await fixture.SignInAsync(user);
        (await fixture.GetWithCookieAsync("", otherBrowser)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var form = await client.GetStringAsync("account/change-password");
        var changed = await client.PostAsync("account/change-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "change-password",
            ["__RequestVerificationToken"] = PortalHost.AntiforgeryToken(form),
            ["Input.Current"] = SessionPortalFixture.Password,
            ["Input.Next"] = "Another-Pass-77",
            ["Input.Confirm"] = "Another-Pass-77",
        }));
        changed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        changed.Headers.Location!.ToString().ShouldContain("account/login?passwordChanged=true");

        foreach (var old in new[] { cookie, otherBrowser })
        {
            var response = await fixture.GetWithCookieAsync("", old);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            response.Headers.Location!.ToString().ShouldContain("/account/login");
        }
        (await client.GetAsync("")).StatusCode.ShouldBe(HttpStatusCode.Redirect, "the browser that changed it signs in again");
        fixture.Sessions(await fixture.UserIdAsync(user)).ShouldBeEmpty();
        fixture.Audit(user).ShouldContain(e => e.Action == "account.change-password" && e.UserName == user && e.Details == "ended 2 session(s)");

        var (_, fresh) = await fixture.SignInAsync(user, "Another-Pass-77");
        (await fixture.GetWithCookieAsync("", fresh)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_user_disabled_by_an_admin_is_refused_on_the_next_request_and_the_admin_is_audited()
    {
        var admin = await fixture.NewUserAsync("boss", Roles.Admin);
        var user = await fixture.NewUserAsync("disabled", Roles.Admin);
        var (_, cookie) = await fixture.SignInAsync(user);
        (await fixture.GetWithCookieAsync("api/admin/users", cookie)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var userId = await fixture.UserIdAsync(user);
        (await fixture.AsAdminAsync(admin, (a, _) => a.SetDisabledAsync(userId, true))).Succeeded.ShouldBeTrue();

        (await fixture.GetWithCookieAsync("api/admin/users", cookie)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        fixture.Sessions(userId).ShouldBeEmpty();
        var audit = fixture.Audit(user);
        audit.ShouldContain(e => e.Action == "user.disable" && e.UserName == admin);
        audit.ShouldContain(e => e.Action == "user.sessions-ended" && e.UserName == admin && e.Details!.StartsWith("1 session(s)"));
    }

    [Fact]
    public async Task A_password_reset_or_deletion_by_an_admin_ends_the_users_sessions_at_once()
    {
        var admin = await fixture.NewUserAsync("resetter", Roles.Admin);
        var user = await fixture.NewUserAsync("reset", Roles.Viewer);
        var userId = await fixture.UserIdAsync(user);
        var (_, cookie) = await fixture.SignInAsync(user);
        (await fixture.GetWithCookieAsync("", cookie)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var reset = await fixture.AsAdminAsync(admin, (a, _) => a.ResetPasswordAsync(userId));
        reset.Succeeded.ShouldBeTrue();
        (await fixture.GetWithCookieAsync("", cookie)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        fixture.Audit(user).ShouldContain(e => e.Action == "user.sessions-ended" && e.UserName == admin && e.Details == "1 session(s), password reset");

        // Signed in again with the one-time password (and so flagged to change it), then deleted: the session goes with the user.
        var (_, again) = await fixture.SignInAsync(user, reset.OneTimePassword!);
        (await fixture.GetWithCookieAsync("account/change-password", again)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await fixture.AsAdminAsync(admin, (a, _) => a.DeleteUserAsync(userId))).Succeeded.ShouldBeTrue();
        (await fixture.GetWithCookieAsync("account/change-password", again)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        fixture.Sessions(userId).ShouldBeEmpty();
        fixture.Audit(user).ShouldContain(e => e.Action == "user.delete" && e.UserName == admin && e.Details == "ended 1 session(s)");
    }

    [Fact]
    public async Task A_removed_role_is_gone_from_an_open_session_within_the_revalidation_interval()
    {
        var admin = await fixture.NewUserAsync("granter", Roles.Admin);
        var user = await fixture.NewUserAsync("demoted", Roles.Admin);
        var (_, cookie) = await fixture.SignInAsync(user);
        (await fixture.GetWithCookieAsync("api/admin/users", cookie)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var userId = await fixture.UserIdAsync(user);
        (await fixture.AsAdminAsync(admin, (a, _) => a.SetRolesAsync(userId, [Roles.Viewer]))).Succeeded.ShouldBeTrue();

        var deadline = DateTime.UtcNow.AddSeconds(SessionPortalFixture.RevalidationSeconds * 5 + 5);
        HttpStatusCode status;
        do
        {
            await Task.Delay(500);
            status = (await fixture.GetWithCookieAsync("api/admin/users", cookie)).StatusCode;
        } while (status == HttpStatusCode.OK && DateTime.UtcNow < deadline);
        // Still signed in (the session goes on), without the permission.
        status.ShouldBe(HttpStatusCode.Forbidden);
        (await fixture.GetWithCookieAsync("", cookie)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_idle_session_is_refused_and_expired_rows_are_cleaned_up()
    {
        var user = await fixture.NewUserAsync("idle", Roles.Viewer);
        var (_, cookie) = await fixture.SignInAsync(user);
        var (_, other) = await fixture.SignInAsync(user);
        var userId = await fixture.UserIdAsync(user);
        var rows = fixture.Sessions(userId);
        rows.Count.ShouldBe(2);
        // The cookie holds a key whose hash names the row; the row never holds the key itself.
        rows.ShouldAllBe(r => r.Id.Length == 64 && !cookie.Contains(r.Id));

        // Both sessions went idle past the timeout (as if an hour without a request had passed).
        using (var scope = fixture.Portal.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            await db.Set<PortalSession>().Where(s => s.UserId == userId)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.ExpiresAt, DateTime.UtcNow.AddSeconds(-1)));
        }
        (await fixture.GetWithCookieAsync("", cookie)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        fixture.Sessions(userId).Count.ShouldBe(1, "the refused session's row is deleted when it is used");

        (await fixture.Portal.GetRequiredService<SessionStore>().DeleteExpiredAsync()).ShouldBeGreaterThanOrEqualTo(1);
        fixture.Sessions(userId).ShouldBeEmpty();
        (await fixture.GetWithCookieAsync("", other)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    /// <summary>These tests on the portal's default database.</summary>
    public sealed class OnSqlite(SessionPortalFixture fixture) : SessionTests(fixture), IClassFixture<SessionPortalFixture>;

    /// <summary>The same tests with the portal's database on PostgreSQL.</summary>
    public sealed class OnPostgres(PostgresSessionPortalFixture fixture) : SessionTests(fixture), IClassFixture<PostgresSessionPortalFixture>;
}
