using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Worklists;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Worklists;

/// <summary>Wrong API keys on /worklist/add, per client address (behind a trusted proxy, so each test has its own address).</summary>
public sealed class WorklistRateLimitTests : IAsyncLifetime
{
    private const int Limit = 3;
    private PortalHost portal = default!;
    private string folder = "";
    private string key = "";

    public async Task InitializeAsync()
    {
        folder = TestEnvironment.NewTempFolder("wl-limit");
        portal = await PortalHost.StartManagedAsync(extra: new Dictionary<string, string?>
        {
            ["Orthanc:Executable"] = "/bin/false",
            ["Portal:TrustedProxies:0"] = "127.0.0.1",
            ["Worklists:Folder"] = folder,
            ["Worklists:CleanupIntervalSeconds"] = "",
            ["RateLimits:WorklistKeyFailuresPerAddress"] = Limit.ToString(),
        });
        using var scope = portal.Services.CreateScope();
        key = (await scope.ServiceProvider.GetRequiredService<WorklistApiKeyService>().CreateAsync("limit AIS", Actor.System)).Key;
    }

    private static string Query(string apiKey, string id)
        => $"worklist/add?key={Uri.EscapeDataString(apiKey)}&id={id}&lastname=Muster&firstname=Max&birthdate=01.02.1970&sex=1&modality=US";

    private HttpClient From(string address)
    {
        var client = portal.NewClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    [Fact]
    public async Task Repeated_wrong_keys_get_429_with_one_audit_entry_and_one_log_line_per_window()
    {
        using var guesser = From("198.51.100.30");
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++) answers.Add((await guesser.GetAsync(Query($"wl_guess{i}", "WLRL1"))).StatusCode);

        answers.Take(Limit).ShouldAllBe(s => s == HttpStatusCode.Unauthorized);
        answers.Skip(Limit).ShouldAllBe(s => s == HttpStatusCode.TooManyRequests);
        var refused = await guesser.GetAsync(Query("wl_guess-last", "WLRL1"));
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeInRange(1, 300);
        // While refused, even the right key waits: the answer must not tell a guesser when it has found one.
        (await guesser.GetAsync(Query(key, "WLRL1"))).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);

        using var scope = portal.Services.CreateScope();
        var audit = scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<AuditEntry>().Where(a => a.Address == "198.51.100.30").ToList();
        audit.Count(a => a.Action == "worklist.api.denied").ShouldBe(Limit);
        audit.Count(a => a.Action == "worklist.api.rate-limited").ShouldBe(1);
        portal.Logs.Lines.Count(l => l.Contains("worklist.api.rate-limited")).ShouldBe(1);
        portal.Logs.Lines.Count(l => l.Contains("worklist.api.denied")).ShouldBe(Limit);
        Directory.GetFiles(folder, "*.wl").ShouldBeEmpty();

        // Another address with the right key, from a web AIS on another origin: the key is its credential, not a cookie.
        using var ais = From("198.51.100.31");
        ais.DefaultRequestHeaders.Add("Origin", "https://ais.example");
        (await ais.GetAsync(Query(key, "WLRL2"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var written = Directory.GetFiles(folder, "*.wl").ShouldHaveSingleItem();
        (File.GetUnixFileMode(written) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)).ShouldBe((UnixFileMode)0);
    }

    [Fact]
    public async Task Right_keys_do_not_count_towards_the_limit()
    {
        using var ais = From("198.51.100.40");
        for (var i = 0; i < Limit + 3; i++) (await ais.GetAsync(Query(key, $"WLOK{i}"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ais.GetAsync(Query("wl_typo", "WLOK9"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await ais.GetAsync(Query(key, "WLOK10"))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    public async Task DisposeAsync()
    {
        if (portal is not null) await portal.DisposeAsync();
        TestEnvironment.DeleteQuietly(folder);
    }
}
