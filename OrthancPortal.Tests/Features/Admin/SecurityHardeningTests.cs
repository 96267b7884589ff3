using System.Net;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Security;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Admin;

/// <summary>
/// Portals without Orthanc: Direct (no trusted proxy; RequireHttps on, so an https claim from an untrusted sender is
/// seen to be ignored), BehindProxy (a trusted proxy, stricter settings, RequireHttps off) and Tls (a trusted TLS proxy
/// with RequireHttps).
/// </summary>
public sealed class HardeningFixture : IAsyncLifetime
{
    public PortalHost Direct { get; private set; } = default!;
    public PortalHost BehindProxy { get; private set; } = default!;
    /// <summary>Behind a trusted TLS proxy, with Security:RequireHttps.</summary>
    public PortalHost Tls { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        // SQLite whatever the run's default: a test below checks the modes of the database file and the key files.
        Direct = await PortalHost.StartManagedAsync(extra: new Dictionary<string, string?> { ["Orthanc:Executable"] = "/bin/false", ["Security:RequireHttps"] = "true" },
            database: OrthancPortal.Infrastructure.PortalDatabase.Sqlite);
        BehindProxy = await PortalHost.StartManagedAsync(extra: new Dictionary<string, string?>
        {
            ["Orthanc:Executable"] = "/bin/false",
            ["Portal:TrustedProxies:0"] = "127.0.0.1",
            ["Account:IdleTimeoutMinutes"] = "7",
            ["Account:PasswordMinLength"] = "16",
            ["Security:MaxRequestBodyMb"] = "1",
        });
        Tls = await PortalHost.StartManagedAsync(extra: new Dictionary<string, string?>
        {
            ["Orthanc:Executable"] = "/bin/false",
            ["Portal:TrustedProxies:0"] = "127.0.0.1",
            ["Security:RequireHttps"] = "true",
        });
        await Direct.CreateUserAsync("hardy", PortalFixture.Password, Roles.Viewer);
        await Direct.CreateUserAsync("hardadmin", PortalFixture.Password, Roles.Admin);
        await BehindProxy.CreateUserAsync("hardy", "Long-Test-Password-1", Roles.Viewer);
        await Tls.CreateUserAsync("hardy", PortalFixture.Password, Roles.Viewer);
    }

    public async Task DisposeAsync()
    {
        if (Direct is not null) await Direct.DisposeAsync();
        if (BehindProxy is not null) await BehindProxy.DisposeAsync();
        if (Tls is not null) await Tls.DisposeAsync();
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
        // With Expect: 100-continue (as curl sends for large bodies) the refusal comes before the body is sent; without
        // it, the portal may close the connection while a 2 MB body is still being written (a broken pipe, not an answer).
        Task<HttpResponseMessage> PostAsync(int padding) => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "account/login")
        {
            Headers = { ExpectContinue = true },
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login", ["__RequestVerificationToken"] = token,
                ["Input.UserName"] = "hardy", ["Input.Password"] = "wrong", ["Padding"] = new string('a', padding),
            }),
        });
        // The same valid form is processed when small, and refused once it passes the body limit.
        (await PostAsync(100)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(2 * 1024 * 1024)).StatusCode.ShouldBeOneOf(HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Behind_a_trusted_TLS_proxy_with_RequireHttps_answers_carry_HSTS_and_the_cookies_are_Secure()
    {
        var https = new Dictionary<string, string> { ["X-Forwarded-Proto"] = "https" };
        var viaTls = await SignInAsync(fixture.Tls, "hardy", PortalFixture.Password, https);
        viaTls.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        viaTls.Headers.GetValues("Strict-Transport-Security").Single().ShouldBe("max-age=31536000");
        viaTls.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("OrthancPortal.Auth")).ShouldContain("secure");
        using (var form = fixture.Tls.NewClient())
        {
            form.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
            var page = await form.GetAsync("account/login");
            page.Headers.GetValues("Strict-Transport-Security").ShouldHaveSingleItem();
            page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery")).ShouldContain("secure");
        }

        // The same portal over plain http: no HSTS (and a browser ignores it there anyway).
        using (var plain = fixture.Tls.NewClient()) (await plain.GetAsync("account/login")).Headers.Contains("Strict-Transport-Security").ShouldBeFalse();

        // A trusted proxy without the setting: Secure cookie (the request is https) but no HSTS.
        var noSetting = await SignInAsync(fixture.BehindProxy, "hardy", "Long-Test-Password-1", https);
        noSetting.Headers.Contains("Strict-Transport-Security").ShouldBeFalse();

        // The setting, but an untrusted sender claiming https: not believed, so neither.
        var forged = await SignInAsync(fixture.Direct, "hardy", PortalFixture.Password, https);
        forged.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        forged.Headers.Contains("Strict-Transport-Security").ShouldBeFalse();
        forged.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("OrthancPortal.Auth")).ShouldNotContain("secure");
    }

    /// <summary>Attacks a page on another site could make with the admin's cookie, by Origin or (without one) by Referer.</summary>
    [Theory]
    [InlineData("http://evil.example", null)]
    [InlineData("null", null)]
    [InlineData("http://127.0.0.1:1", null)]
    [InlineData("http://127.0.0.1.evil.example", null)]
    [InlineData("file:///tmp/attack.html", null)]
    [InlineData(null, "http://evil.example/attack.html")]
    [InlineData(null, "not a url")]
    public async Task A_body_less_POST_from_another_origin_is_refused_even_for_a_signed_in_admin(string? origin, string? referer)
    {
        using var admin = await fixture.Direct.SignInAsync("hardadmin", PortalFixture.Password);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/export/destinations/1/test");
        if (origin is not null) request.Headers.TryAddWithoutValidation("Origin", origin);
        if (referer is not null) request.Headers.TryAddWithoutValidation("Referer", referer);
        (await admin.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using var logout = new HttpRequestMessage(HttpMethod.Post, "account/logout");
        if (origin is not null) logout.Headers.TryAddWithoutValidation("Origin", origin);
        if (referer is not null) logout.Headers.TryAddWithoutValidation("Referer", referer);
        (await admin.SendAsync(logout)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await admin.GetAsync("api/admin/users")).StatusCode.ShouldBe(HttpStatusCode.OK, "still signed in");
    }

    [Fact]
    public async Task Same_origin_POSTs_and_POSTs_without_Origin_work()
    {
        using var admin = await fixture.Direct.SignInAsync("hardadmin", PortalFixture.Password);
        var self = fixture.Direct.Url.GetLeftPart(UriPartial.Authority);
        using var test = new HttpRequestMessage(HttpMethod.Post, "api/export/destinations/1/test");
        test.Headers.Add("Origin", self);
        (await admin.SendAsync(test)).StatusCode.ShouldNotBe(HttpStatusCode.Forbidden);
        using var byReferer = new HttpRequestMessage(HttpMethod.Post, "api/export/destinations/1/test");
        byReferer.Headers.Referrer = new Uri(fixture.Direct.Url, "admin/export");
        (await admin.SendAsync(byReferer)).StatusCode.ShouldNotBe(HttpStatusCode.Forbidden);
        (await admin.PostAsync("api/export/destinations/1/test", null)).StatusCode.ShouldNotBe(HttpStatusCode.Forbidden);

        using var logout = new HttpRequestMessage(HttpMethod.Post, "account/logout");
        logout.Headers.Add("Origin", self);
        (await admin.SendAsync(logout)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await admin.GetAsync("api/admin/users")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task No_mapped_endpoint_accepts_a_state_changing_request_from_another_origin()
    {
        using var admin = await fixture.Direct.SignInAsync("hardadmin", PortalFixture.Password);
        var endpoints = fixture.Direct.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        endpoints.Where(e => e.Metadata.GetMetadata<MachineEndpointMetadata>() is not null).Select(e => e.RoutePattern.RawText)
            .ShouldBe(["/worklist/add"], "the allow-list of key-authenticated machine endpoints");

        string[] unsafeMethods = ["POST", "PUT", "DELETE", "PATCH"];
        var tried = new List<string>();
        var accepted = new List<string>();
        foreach (var endpoint in endpoints.Where(e => e.Metadata.GetMetadata<MachineEndpointMetadata>() is null))
        {
            // Razor component pages carry no method metadata and accept form POSTs.
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? unsafeMethods;
            var path = System.Text.RegularExpressions.Regex.Replace("/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/'), @"\{[^}]*\}", "1");
            foreach (var method in methods.Where(m => unsafeMethods.Contains(m, StringComparer.OrdinalIgnoreCase)))
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
                request.Headers.Add("Origin", "https://evil.example");
                request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                var status = (await admin.SendAsync(request)).StatusCode;
                tried.Add($"{method} {path}");
                if (status != HttpStatusCode.Forbidden) accepted.Add($"{method} {path}: {(int)status}");
            }
        }
        tried.ShouldContain("POST /api/export/destinations/1/test");
        tried.ShouldContain("POST /account/logout");
        tried.ShouldContain("POST /_blazor/negotiate");
        tried.Count.ShouldBeGreaterThan(15);
        accepted.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_Blazor_circuit_cannot_be_opened_from_another_origin()
    {
        var cookies = new CookieContainer();
        using (var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false })
        using (var client = new HttpClient(handler) { BaseAddress = fixture.Direct.Url })
        {
            var form = await client.GetStringAsync("account/login");
            (await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login", ["__RequestVerificationToken"] = PortalHost.AntiforgeryToken(form),
                ["Input.UserName"] = "hardadmin", ["Input.Password"] = PortalFixture.Password,
            }))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }
        var ws = new Uri($"ws://127.0.0.1:{fixture.Direct.Port}/_blazor");
        async Task<HttpStatusCode> HandshakeAsync(string origin)
        {
            using var socket = new System.Net.WebSockets.ClientWebSocket();
            socket.Options.Cookies = cookies;
            socket.Options.CollectHttpResponseDetails = true;
            socket.Options.SetRequestHeader("Origin", origin);
            try { await socket.ConnectAsync(ws, CancellationToken.None); }
            catch (System.Net.WebSockets.WebSocketException) { }
            return socket.HttpStatusCode;
        }
        (await HandshakeAsync("https://evil.example")).ShouldBe(HttpStatusCode.Forbidden);
        (await HandshakeAsync(fixture.Direct.Url.GetLeftPart(UriPartial.Authority))).ShouldNotBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_database_and_the_keys_are_owner_only_and_nothing_in_the_data_folder_is_world_readable()
    {
        (await SignInAsync(fixture.Direct, "hardy", PortalFixture.Password, headers: [])).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var data = fixture.Direct.DataFolder;
        var owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.GetUnixFileMode(Path.Combine(data, "portal.db")).ShouldBe(owner);
        File.GetUnixFileMode(Path.Combine(data, "portal.db-wal")).ShouldBe(owner, "SQLite gives the WAL the database's mode");
        File.GetUnixFileMode(Path.Combine(data, "keys")).ShouldBe(owner | UnixFileMode.UserExecute);
        Directory.GetFiles(Path.Combine(data, "keys"), "key-*.xml").ShouldNotBeEmpty();
        const UnixFileMode other = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        // The data folder itself was made by the test harness; what the portal made inside it is checked.
        foreach (var entry in Directory.EnumerateFileSystemEntries(data, "*", SearchOption.AllDirectories))
        {
            (File.GetUnixFileMode(entry) & other).ShouldBe((UnixFileMode)0, entry);
        }
    }

    [Fact]
    public async Task With_a_certificate_the_Data_Protection_keys_are_encrypted_at_rest_and_still_work_after_a_restart()
    {
        var folder = TestEnvironment.NewTempFolder("keys-cert");
        var pfx = Path.Combine(folder, "keys.pfx");
        using (var rsa = System.Security.Cryptography.RSA.Create(2048))
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=OrthancPortal keys", rsa,
                System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(pfx, cert.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "cert-pass-1"));
        }
        await using var portal = await PortalHost.StartManagedAsync(extra: new Dictionary<string, string?>
        {
            ["Orthanc:Executable"] = "/bin/false",
            ["Portal:KeysCertificate"] = pfx,
            ["Portal:KeysCertificatePassword"] = "cert-pass-1",
        }, database: OrthancPortal.Infrastructure.PortalDatabase.Sqlite); // the key files are read below
        await portal.CreateUserAsync("hardy", PortalFixture.Password, Roles.Viewer);
        (await portal.SignInAsync("hardy", PortalFixture.Password)).Dispose();
        var key = await File.ReadAllTextAsync(Directory.GetFiles(Path.Combine(portal.DataFolder, "keys"), "key-*.xml").ShouldHaveSingleItem());
        key.ShouldContain("EncryptedData");
        key.ShouldNotContain("unencrypted form");

        await portal.RestartAsync();
        using var client = await portal.SignInAsync("hardy", PortalFixture.Password);
        (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        TestEnvironment.DeleteQuietly(folder);
    }

    /// <summary>
    /// Signs in through the form. Cookies are carried by hand: behind a (simulated) TLS proxy the portal marks them
    /// Secure, and a cookie jar would not send those back over the test's plain http connection.
    /// </summary>
    private static async Task<HttpResponseMessage> SignInAsync(PortalHost portal, string user, string password, Dictionary<string, string> headers)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = portal.Url };
        foreach (var (k, v) in headers) client.DefaultRequestHeaders.Add(k, v);
        var formPage = await client.GetAsync("account/login");
        var cookies = formPage.Headers.TryGetValues("Set-Cookie", out var set) ? set.Select(c => c.Split(';')[0]) : [];
        using var post = new HttpRequestMessage(HttpMethod.Post, "account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login",
                ["__RequestVerificationToken"] = PortalHost.AntiforgeryToken(await formPage.Content.ReadAsStringAsync()),
                ["Input.UserName"] = user,
                ["Input.Password"] = password,
            }),
        };
        post.Headers.Add("Cookie", string.Join("; ", cookies));
        return await client.SendAsync(post);
    }

    private static AuditEntry LastAudit(PortalHost portal, string user)
    {
        using var scope = portal.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<AuditEntry>().Where(e => e.UserName == user).OrderBy(e => e.Id).Last();
    }
}
