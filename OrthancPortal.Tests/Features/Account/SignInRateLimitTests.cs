using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Account;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Security;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Account;

/// <summary>
/// A portal behind a trusted proxy (127.0.0.1), so each test can act from its own client address with X-Forwarded-For.
/// Small limits keep the tests quick: 3 failures per address, 6 per user name.
/// </summary>
public class SignInRateLimitFixture : IAsyncLifetime
{
    public const int PerAddress = 3;
    public const int PerUserName = 6;
    public PortalHost Portal { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Portal = await PortalHost.StartManagedAsync(extra: new Dictionary<string, string?>
        {
            ["Orthanc:Executable"] = "/bin/false",
            ["Portal:TrustedProxies:0"] = "127.0.0.1",
            ["RateLimits:SignInFailuresPerAddress"] = PerAddress.ToString(),
            ["RateLimits:SignInFailuresPerUserName"] = PerUserName.ToString(),
        }, database: Database);
    }

    /// <summary>The portal database's engine; null: <see cref="TestEnvironment.Database"/>.</summary>
    protected virtual PortalDatabase? Database => null;

    public async Task DisposeAsync()
    {
        if (Portal is not null) await Portal.DisposeAsync();
    }
}

/// <summary>The rate-limit fixture with the portal's database on the test PostgreSQL server.</summary>
public sealed class PostgresSignInRateLimitFixture : SignInRateLimitFixture
{
    protected override PortalDatabase? Database => PortalDatabase.Postgres;
}

public abstract class SignInRateLimitTests(SignInRateLimitFixture fixture)
{
    private PortalHost Portal => fixture.Portal;

    [Fact]
    public async Task Failed_sign_ins_from_one_address_get_429_even_with_the_right_password_and_one_audit_entry_per_window()
    {
        await Portal.CreateUserAsync("rl-anna", PortalFixture.Password, Roles.Viewer);
        var address = "198.51.100.10";
        using var client = await LoginClientAsync(address);
        for (var i = 0; i < SignInRateLimitFixture.PerAddress; i++)
        {
            var failed = await PostAsync(client, $"rl-nobody-{i}", "wrong-password");
            failed.Status.ShouldBe(HttpStatusCode.OK);
            failed.Error.ShouldBe(SignInService.GenericFailure);
        }
        for (var i = 0; i < 5; i++)
        {
            var refused = await PostAsync(client, i == 0 ? "rl-anna" : $"rl-nobody-{i}", i == 0 ? PortalFixture.Password : "wrong-password");
            refused.Status.ShouldBe(HttpStatusCode.TooManyRequests);
            refused.Error.ShouldBe(SignInService.TooManyFailures);
            refused.RetryAfter.ShouldNotBeNull().ShouldBeInRange(1, 300);
        }

        var entries = Audit(e => e.Address == address);
        entries.Count(e => e.Action == "signin.failure").ShouldBe(SignInRateLimitFixture.PerAddress);
        entries.Count(e => e.Action == "signin.rate-limited").ShouldBe(1, "one audit entry per window, not one per refused request");
        entries.Single(e => e.Action == "signin.rate-limited").Details!.ShouldContain($"from {address}");
        Portal.Logs.Lines.Count(l => l.Contains("rl-anna signin.rate-limited")).ShouldBe(1, "one log line per window");

        // Another address is not affected.
        using var other = await LoginClientAsync("198.51.100.11");
        (await PostAsync(other, "rl-anna", PortalFixture.Password)).Status.ShouldBe(HttpStatusCode.Redirect);

        // When the window has passed, the address may try again.
        await AgeWindowsAsync($"signin-address:{address}");
        (await PostAsync(client, "rl-anna", PortalFixture.Password)).Status.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Two_portal_processes_on_one_database_share_the_counters()
    {
        // A second portal (its own services, limiter and memory) on the first one's data folder, as a scaled-out install runs.
        await using var second = await PortalHost.StartManagedAsync(extra: new Dictionary<string, string?>(Portal.SharedDatabaseSettings())
        {
            ["Orthanc:Executable"] = "/bin/false",
            ["Portal:TrustedProxies:0"] = "127.0.0.1",
            ["RateLimits:SignInFailuresPerAddress"] = SignInRateLimitFixture.PerAddress.ToString(),
            ["RateLimits:SignInFailuresPerUserName"] = SignInRateLimitFixture.PerUserName.ToString(),
        });
        using var one = await LoginClientAsync("198.51.100.60");
        using var two = second.NewClient();
        two.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.60");
        (await PostAsync(one, "rl-shared-1", "wrong-password")).Status.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(two, "rl-shared-2", "wrong-password")).Status.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(one, "rl-shared-3", "wrong-password")).Status.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(two, "rl-shared-4", "wrong-password")).Status.ShouldBe(HttpStatusCode.TooManyRequests);
        (await PostAsync(one, "rl-shared-5", "wrong-password")).Status.ShouldBe(HttpStatusCode.TooManyRequests);
        Audit(e => e.Address == "198.51.100.60" && e.Action == "signin.rate-limited").Count.ShouldBe(1, "one entry per window, whichever process refused first");
    }

    [Fact]
    public async Task Concurrent_failures_cannot_overshoot_the_limit()
    {
        // A client (cookie jar, antiforgery token) each, all from one address.
        var clients = new List<HttpClient>();
        for (var i = 0; i < 12; i++) clients.Add(await LoginClientAsync("198.51.100.20"));
        var results = await Task.WhenAll(clients.Select((c, i) => PostAsync(c, $"rl-burst-{i}", "wrong-password")));
        clients.ForEach(c => c.Dispose());
        results.Count(r => r.Status == HttpStatusCode.OK).ShouldBe(SignInRateLimitFixture.PerAddress);
        results.Count(r => r.Status == HttpStatusCode.TooManyRequests).ShouldBe(12 - SignInRateLimitFixture.PerAddress);
        Audit(e => e.Address == "198.51.100.20" && e.Action == "signin.rate-limited").Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_user_name_attacked_from_many_addresses_is_limited_but_one_address_alone_cannot_block_it()
    {
        await Portal.CreateUserAsync("rl-boss", PortalFixture.Password, Roles.Admin);
        // One address: it reaches its own limit first; the account still works from anywhere else.
        using var attacker = await LoginClientAsync("203.0.113.1");
        for (var i = 0; i < 10; i++) await PostAsync(attacker, "rl-boss", "wrong-password");
        using var owner = await LoginClientAsync("192.0.2.50");
        (await PostAsync(owner, "rl-boss", PortalFixture.Password)).Status.ShouldBe(HttpStatusCode.Redirect);

        // Several addresses together reach the user name's limit: then even the owner waits, with the same 429 an unknown name gets.
        for (var a = 2; a <= 4; a++)
        {
            using var more = await LoginClientAsync($"203.0.113.{a}");
            for (var i = 0; i < SignInRateLimitFixture.PerAddress; i++) await PostAsync(more, "rl-boss", "wrong-password");
        }
        var refused = await PostAsync(owner, "rl-boss", PortalFixture.Password);
        refused.Status.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Error.ShouldBe(SignInService.TooManyFailures);
        (await PostAsync(owner, "rl-boss", PortalFixture.Password)).Status.ShouldBe(HttpStatusCode.TooManyRequests);
        Audit(e => e.UserName == "rl-boss" && e.Action == "signin.rate-limited" && e.Details!.Contains("for this user name")).Count.ShouldBe(1);

        for (var a = 10; a < 10 + SignInRateLimitFixture.PerUserName; a++)
        {
            using var guesser = await LoginClientAsync($"203.0.113.{a}");
            await PostAsync(guesser, "rl-ghost", "wrong-password");
        }
        var ghost = await PostAsync(owner, "rl-ghost", "wrong-password");
        ghost.Status.ShouldBe(HttpStatusCode.TooManyRequests);
        ghost.Error.ShouldBe(refused.Error, "the limit on an unknown name looks the same as on a real account");

        // Identity's own lockout is not used: the failures above did not lock the account.
        using var scope = Portal.Services.CreateScope();
        var user = (await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync("rl-boss"))!;
        user.LockoutEnd.ShouldBeNull();
    }

    [Fact]
    public async Task Twenty_users_signing_in_successfully_from_one_address_are_not_limited()
    {
        for (var i = 0; i < 20; i++) await Portal.CreateUserAsync($"rl-staff-{i}", PortalFixture.Password, Roles.Viewer);
        using var proxy = await LoginClientAsync("192.0.2.100");
        // A few typos among them stay below the limit.
        (await PostAsync(proxy, "rl-staff-0", "wrong-password")).Status.ShouldBe(HttpStatusCode.OK);
        for (var i = 0; i < 20; i++)
        {
            (await PostAsync(proxy, $"rl-staff-{i}", PortalFixture.Password)).Status.ShouldBe(HttpStatusCode.Redirect, $"rl-staff-{i}");
        }
        Audit(e => e.Address == "192.0.2.100" && e.Action == "signin.success").Count.ShouldBe(20);
        Audit(e => e.Address == "192.0.2.100" && e.Action == "signin.rate-limited").ShouldBeEmpty();
    }

    [Fact]
    public async Task Unknown_user_wrong_password_and_locked_account_get_the_same_message()
    {
        await Portal.CreateUserAsync("rl-locked", PortalFixture.Password, Roles.Viewer);
        await Portal.CreateUserAsync("rl-known", PortalFixture.Password, Roles.Viewer);
        using (var scope = Portal.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByNameAsync("rl-locked"))!, DateTimeOffset.UtcNow.AddHours(1));
        }

        using var unknownClient = await LoginClientAsync("192.0.2.1");
        using var wrongClient = await LoginClientAsync("192.0.2.2");
        using var lockedClient = await LoginClientAsync("192.0.2.3");
        var unknown = await PostAsync(unknownClient, "rl-never-existed", "wrong-password");
        var wrong = await PostAsync(wrongClient, "rl-known", "wrong-password");
        var locked = await PostAsync(lockedClient, "rl-locked", PortalFixture.Password);

        unknown.Error.ShouldBe(SignInService.GenericFailure);
        wrong.Error.ShouldBe(unknown.Error);
        locked.Error.ShouldBe(unknown.Error);
        new[] { unknown.Status, wrong.Status, locked.Status }.ShouldAllBe(s => s == HttpStatusCode.OK);
    }

    private async Task<HttpClient> LoginClientAsync(string address)
    {
        var client = Portal.NewClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    private sealed record Attempt(HttpStatusCode Status, string? Error, int? RetryAfter);

    private static async Task<Attempt> PostAsync(HttpClient client, string user, string password)
    {
        var form = await client.GetStringAsync("account/login");
        var response = await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = PortalHost.AntiforgeryToken(form),
            ["Input.UserName"] = user,
            ["Input.Password"] = password,
        }));
        var html = await response.Content.ReadAsStringAsync();
        var error = Regex.Match(html, "data-test=\"login-error\">([^<]*)<") is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;
        var retry = response.Headers.RetryAfter?.Delta is { } delta ? (int?)delta.TotalSeconds : null;
        return new(response.StatusCode, error, retry);
    }

    private List<AuditEntry> Audit(System.Linq.Expressions.Expression<Func<AuditEntry, bool>> filter)
    {
        using var scope = Portal.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<AuditEntry>().Where(filter).ToList();
    }

    /// <summary>Moves a window into the past, as if its five minutes had gone by.</summary>
    private async Task AgeWindowsAsync(string key)
    {
        using var scope = Portal.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var past = DateTime.UtcNow.AddHours(-1);
        (await db.Set<RateLimitWindow>().Where(w => w.Key == key).ExecuteUpdateAsync(s => s.SetProperty(w => w.WindowStart, past))).ShouldBe(1);
    }

    /// <summary>These tests on the portal's default database.</summary>
    public sealed class OnSqlite(SignInRateLimitFixture fixture) : SignInRateLimitTests(fixture), IClassFixture<SignInRateLimitFixture>;

    /// <summary>The same tests with the portal's database on PostgreSQL.</summary>
    public sealed class OnPostgres(PostgresSignInRateLimitFixture fixture) : SignInRateLimitTests(fixture), IClassFixture<PostgresSignInRateLimitFixture>;
}
