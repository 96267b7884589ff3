using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Account;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Tests.Harness;

/// <summary>
/// A portal for session tests: no Orthanc is needed to sign in, and sessions are re-checked every
/// <see cref="RevalidationSeconds"/> seconds (the default is a minute) so tests wait seconds. The first-run admin
/// ("admin", must change its password) is left as it is; tests make their own users.
/// </summary>
public class SessionPortalFixture : IAsyncLifetime
{
    public const int RevalidationSeconds = 2;
    public const string Password = PortalFixture.Password;
    public const string CookieName = "OrthancPortal.Auth";

    public PortalHost Portal { get; private set; } = default!;
    public BrowserFixture Browser { get; } = new();
    public string FirstRunPassword => Portal.InitialPasswords.Last!;

    /// <summary>The portal database's engine; null: <see cref="TestEnvironment.Database"/>.</summary>
    protected virtual PortalDatabase? Database => null;

    public async Task InitializeAsync()
    {
        Portal = await PortalHost.StartManagedAsync(extra: new Dictionary<string, string?>
        {
            ["Orthanc:Executable"] = "/bin/false",
            ["Account:SessionRevalidationSeconds"] = RevalidationSeconds.ToString(),
        }, database: Database);
        await Browser.InitializeAsync();
    }

    /// <summary>A new local user (unique name) with the given roles.</summary>
    public async Task<string> NewUserAsync(string prefix, params string[] roles)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
        await Portal.CreateUserAsync(name, Password, roles);
        return name;
    }

    /// <summary>Signs in through the real form; returns the client and the value of its sign-in cookie.</summary>
    public Task<(HttpClient Client, string Cookie)> SignInAsync(string userName, string password = Password) => SignInAsync(Portal, userName, password);

    public static async Task<(HttpClient Client, string Cookie)> SignInAsync(PortalHost portal, string userName, string password)
    {
        var jar = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = jar, AllowAutoRedirect = false }) { BaseAddress = portal.Url };
        var form = await client.GetStringAsync("account/login");
        var response = await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = PortalHost.AntiforgeryToken(form),
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        }));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"sign-in of {userName}");
        var cookie = jar.GetCookies(portal.Url)[CookieName].ShouldNotBeNull().Value;
        return (client, cookie);
    }

    /// <summary>GET with nothing but a copied sign-in cookie, as someone who stole it would send it.</summary>
    public Task<HttpResponseMessage> GetWithCookieAsync(string path, string cookie) => GetWithCookieAsync(Portal, path, cookie);

    public static async Task<HttpResponseMessage> GetWithCookieAsync(PortalHost portal, string path, string cookie)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = portal.Url };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", $"{CookieName}={cookie}");
        return await client.SendAsync(request);
    }

    /// <summary>Runs an admin action as <paramref name="adminName"/> (the audit names that admin).</summary>
    public async Task<T> AsAdminAsync<T>(string adminName, Func<UserAdminService, UserManager<PortalUser>, Task<T>> action)
    {
        await using var scope = Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var admin = (await users.FindByNameAsync(adminName)).ShouldNotBeNull();
        scope.ServiceProvider.GetRequiredService<ActorContext>().Principal =
            await scope.ServiceProvider.GetRequiredService<SignInManager<PortalUser>>().CreateUserPrincipalAsync(admin);
        return await action(scope.ServiceProvider.GetRequiredService<UserAdminService>(), users);
    }

    public async Task<string> UserIdAsync(string userName)
    {
        await using var scope = Portal.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync(userName)).ShouldNotBeNull().Id;
    }

    public List<AuditEntry> Audit(string resourceUser)
    {
        using var scope = Portal.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<AuditEntry>()
            .Where(e => e.Resource == "user:" + resourceUser).OrderBy(e => e.Id).ToList();
    }

    public List<PortalSession> Sessions(string userId)
    {
        using var scope = Portal.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<PortalSession>().Where(s => s.UserId == userId).ToList();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        if (Portal is not null) await Portal.DisposeAsync();
    }
}

/// <summary>The session fixture with the portal's database on the test PostgreSQL server.</summary>
public sealed class PostgresSessionPortalFixture : SessionPortalFixture
{
    protected override PortalDatabase? Database => PortalDatabase.Postgres;
}
