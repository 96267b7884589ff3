using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Access;
using OrthancPortal.Tests.Features.Ldap;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Account;

/// <summary>A directory (LDAP) user's session follows the same rules as a local one: server-side, ended at once.</summary>
public sealed class DirectorySessionTests(LdapFixture fixture) : IClassFixture<LdapFixture>
{
    [Fact]
    public async Task A_directory_users_cookie_copied_before_sign_out_is_refused_after_it()
    {
        var (client, cookie) = await SessionPortalFixture.SignInAsync(fixture.Portal, "dave", fixture.Password("dave"));
        (await GetWithCookieAsync("", cookie)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await client.PostAsync("account/logout", null)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var response = await GetWithCookieAsync("", cookie);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldContain("/account/login");
    }

    [Fact]
    public async Task A_directory_user_disabled_in_the_portal_is_refused_on_the_next_request()
    {
        var (_, cookie) = await SessionPortalFixture.SignInAsync(fixture.Portal, "carol", fixture.Password("carol"));
        (await GetWithCookieAsync("", cookie)).StatusCode.ShouldBe(HttpStatusCode.OK);

        using (var scope = fixture.Portal.Services.CreateScope())
        {
            var carol = (await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync("carol")).ShouldNotBeNull();
            (await scope.ServiceProvider.GetRequiredService<UserAdminService>().SetDisabledAsync(carol.Id, true)).Succeeded.ShouldBeTrue();
        }

        (await GetWithCookieAsync("", cookie)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        fixture.Audit("carol").ShouldContain(e => e.Action == "user.sessions-ended");
    }

    private Task<HttpResponseMessage> GetWithCookieAsync(string path, string cookie) => SessionPortalFixture.GetWithCookieAsync(fixture.Portal, path, cookie);
}
