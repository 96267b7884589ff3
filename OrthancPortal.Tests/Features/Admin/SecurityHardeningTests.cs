using System.Net;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Security;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Admin;

/// <summary>Two portals without Orthanc: one with default settings, one behind a trusted proxy with stricter settings.</summary>
public sealed class HardeningFixture : IAsyncLifetime
{
    public PortalHost Direct { get; private set; } = default!;
    public PortalHost BehindProxy { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Direct = await PortalHost.StartManagedAsync(extra: new Dictionary<string, string?> { ["Orthanc:Executable"] = "/bin/false" });
        BehindProxy = await PortalHost.StartManagedAsync(extra: new Dictionary<string, string?>
        {
            ["Orthanc:Executable"] = "/bin/false",
            ["Portal:TrustedProxies:0"] = "127.0.0.1",
            ["Account:IdleTimeoutMinutes"] = "7",
            ["Account:PasswordMinLength"] = "16",
            ["Security:MaxRequestBodyMb"] = "1",
        });
        await Direct.CreateUserAsync("hardy", PortalFixture.Password, Roles.Viewer);
        await BehindProxy.CreateUserAsync("hardy", "Long-Test-Password-1", Roles.Viewer);
    }

    public async Task DisposeAsync()
    {
        if (Direct is not null) await Direct.DisposeAsync();
        if (BehindProxy is not null) await BehindProxy.DisposeAsync();
    }
}

public sealed class SecurityHardeningTests(HardeningFixture fixture) : IClassFixture<HardeningFixture>
{
    [Theory]
    [InlineData("account/login", HttpStatusCode.OK)]
    [InlineData("app.css", HttpStatusCode.OK)]
    [InlineData("favicon.svg", HttpStatusCode.OK)]
    [InlineData("api/admin/users", HttpStatusCode.Unauthorized)]
    public async Task Every_answer_carries_the_security_headers(string path, HttpStatusCode status)
    {
        using var client = fixture.Direct.NewClient();
        var response = await client.GetAsync(path);
        response.StatusCode.ShouldBe(status);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("default-src 'self'");
        csp.ShouldContain("script-src 'self';");
        csp.ShouldContain("frame-ancestors 'none'");
        csp.ShouldContain("connect-src 'self' ws: wss:");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("same-origin");
        response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
    }

    [Fact]
    public async Task The_sign_in_page_has_no_inline_script_that_the_policy_would_block()
    {
        using var client = fixture.Direct.NewClient();
        var html = await client.GetStringAsync("account/login");
        System.Text.RegularExpressions.Regex.Matches(html, "<script(?![^>]*\\bsrc=)[^>]*>").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused()
    {
        using var client = fixture.Direct.NewClient();
        var response = await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["Input.UserName"] = "hardy", ["Input.Password"] = PortalFixture.Password,
        }));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_auth_cookie_is_HttpOnly_and_SameSite_and_Secure_when_the_request_was_HTTPS()
    {
        var plain = await SignInAsync(fixture.Direct, "hardy", PortalFixture.Password, headers: []);
        var cookie = plain.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("OrthancPortal.Auth"));
        cookie.ShouldContain("httponly");
        cookie.ShouldContain("samesite=lax");
        cookie.ShouldNotContain("secure");

        var viaProxy = await SignInAsync(fixture.BehindProxy, "hardy", "Long-Test-Password-1", headers: new() { ["X-Forwarded-Proto"] = "https" });
        viaProxy.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("OrthancPortal.Auth")).ShouldContain("secure");
    }

    [Fact]
    public async Task X_Forwarded_For_is_ignored_from_an_untrusted_client_and_honoured_from_a_trusted_proxy()
    {
        await SignInAsync(fixture.Direct, "forwarded-nobody", "wrong", headers: new() { ["X-Forwarded-For"] = "203.0.113.7" });
        await SignInAsync(fixture.BehindProxy, "forwarded-nobody", "wrong", headers: new() { ["X-Forwarded-For"] = "203.0.113.7" });
        LastAudit(fixture.Direct, "forwarded-nobody").Address.ShouldBe("127.0.0.1");
        LastAudit(fixture.BehindProxy, "forwarded-nobody").Address.ShouldBe("203.0.113.7");
    }

    [Fact]
    public void The_idle_timeout_comes_from_the_settings()
    {
        CookieLifetime(fixture.BehindProxy).ShouldBe(TimeSpan.FromMinutes(7));
        CookieLifetime(fixture.Direct).ShouldBe(TimeSpan.FromMinutes(60));
        static TimeSpan CookieLifetime(PortalHost portal) => portal.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(IdentityConstants.ApplicationScheme).ExpireTimeSpan;
    }

    [Fact]
    public async Task The_password_policy_comes_from_the_settings()
    {
        var ex = await Should.ThrowAsync<InvalidOperationException>(() => fixture.BehindProxy.CreateUserAsync("shorty", "Short-Pass-12", Roles.Viewer));
        ex.Message.ShouldContain("at least 16 characters");
        await fixture.Direct.CreateUserAsync("shorty", "Short-Pass-12", Roles.Viewer);
    }

    [Fact]
    public async Task Oversized_query_strings_and_bodies_are_refused()
    {
        using var client = fixture.BehindProxy.NewClient();
        var limit = fixture.BehindProxy.GetRequiredService<SecurityOptions>().MaxQueryStringLength;
        (await client.GetAsync("account/login?x=" + new string('a', limit + 10))).StatusCode.ShouldBe(HttpStatusCode.RequestUriTooLong);
        (await client.GetAsync("account/login?x=short")).StatusCode.ShouldBe(HttpStatusCode.OK);

        fixture.BehindProxy.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestBodySize.ShouldBe(1024 * 1024);
        var token = PortalHost.AntiforgeryToken(await client.GetStringAsync("account/login"));
        Task<HttpResponseMessage> PostAsync(int padding) => client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token,
            ["Input.UserName"] = "hardy", ["Input.Password"] = "wrong", ["Padding"] = new string('a', padding),
        }));
        // The same valid form is processed when small, and refused once it passes the body limit.
        (await PostAsync(100)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(2 * 1024 * 1024)).StatusCode.ShouldBeOneOf(HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge);
    }

    private static async Task<HttpResponseMessage> SignInAsync(PortalHost portal, string user, string password, Dictionary<string, string> headers)
    {
        using var client = portal.NewClient();
        foreach (var (k, v) in headers) client.DefaultRequestHeaders.Add(k, v);
        var form = await client.GetStringAsync("account/login");
        return await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = PortalHost.AntiforgeryToken(form),
            ["Input.UserName"] = user,
            ["Input.Password"] = password,
        }));
    }

    private static AuditEntry LastAudit(PortalHost portal, string user)
    {
        using var scope = portal.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<AuditEntry>().Where(e => e.UserName == user).OrderBy(e => e.Id).Last();
    }
}
