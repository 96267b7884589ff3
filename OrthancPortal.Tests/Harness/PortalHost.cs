using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Account;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure;
using OrthancPortal.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace OrthancPortal.Tests.Harness;

/// <summary>
/// The real portal on Kestrel, on a free loopback port, with a temporary data folder. It talks to an external
/// test Orthanc, or runs a managed one itself. It can be stopped and started again on the same data.
/// </summary>
public sealed class PortalHost : IAsyncDisposable
{
    private readonly Dictionary<string, string?> settings;
    private readonly Action<WebApplicationBuilder>? configure;
    private readonly PortalDatabase database;
    private PostgresDatabase? postgres;
    private WebApplication? app;

    public int Port { get; } = TestEnvironment.FreePort();
    public string DataFolder { get; }
    public Uri Url => new($"http://127.0.0.1:{Port}/");
    public CapturedPasswordSink InitialPasswords { get; } = new();
    public CapturedLogs Logs { get; } = new();
    public IServiceProvider Services => app?.Services ?? throw new InvalidOperationException("The portal is not running.");
    /// <summary>The engine of the portal's database: SQLite in the data folder, or a database of its own on the shared test PostgreSQL.</summary>
    public PortalDatabase Database => database;
    /// <summary>The PostgreSQL database's connection string (null on SQLite), for tests that look into it.</summary>
    public string? PostgresConnectionString => postgres?.ConnectionString;

    /// <summary>
    /// Settings that put another portal on this one's database (with its data folder, which is the SQLite file's place):
    /// for tests of several portal processes sharing one database.
    /// </summary>
    public Dictionary<string, string?> SharedDatabaseSettings()
    {
        var shared = new Dictionary<string, string?> { ["Portal:DataFolder"] = DataFolder };
        if (postgres is not null)
        {
            shared["Portal:Database"] = nameof(PortalDatabase.Postgres);
            shared["Portal:ConnectionString"] = postgres.ConnectionString;
        }
        return shared;
    }

    private PortalHost(Dictionary<string, string?> settings, Action<WebApplicationBuilder>? configure, string dataFolder, PortalDatabase database)
    {
        this.settings = settings;
        this.configure = configure;
        this.database = database;
        DataFolder = dataFolder;
    }

    /// <summary>A portal using <paramref name="orthanc"/> as its external Orthanc.</summary>
    /// <param name="database">The portal database's engine; null: <see cref="TestEnvironment.Database"/> (env PORTAL_TEST_DATABASE, default Sqlite).</param>
    public static Task<PortalHost> StartExternalAsync(OrthancProcess orthanc, Action<WebApplicationBuilder>? configure = null, IDictionary<string, string?>? extra = null,
        PortalDatabase? database = null)
    {
        var s = new Dictionary<string, string?>
        {
            ["Orthanc:Mode"] = "External",
            ["Orthanc:ExternalUrl"] = orthanc.Url.ToString(),
            ["Orthanc:ExternalUsername"] = OrthancProcess.Username,
            ["Orthanc:ExternalPassword"] = OrthancProcess.Password,
            ["Orthanc:DicomAet"] = orthanc.Aet,
            ["Orthanc:DicomPort"] = orthanc.DicomPort.ToString(),
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) s[k] = v;
        return StartAsync(s, configure, database);
    }

    /// <summary>A portal that starts and manages its own Orthanc, as a new user gets it.</summary>
    public static Task<PortalHost> StartManagedAsync(Action<WebApplicationBuilder>? configure = null, IDictionary<string, string?>? extra = null,
        PortalDatabase? database = null)
    {
        var s = new Dictionary<string, string?>
        {
            ["Orthanc:Mode"] = "Managed",
            ["Orthanc:ManagedHttpPort"] = TestEnvironment.FreePort().ToString(),
            ["Orthanc:DicomPort"] = TestEnvironment.FreePort().ToString(),
            ["Orthanc:StableAge"] = "2",
            ["OrthancInstallation:TreeRoot"] = TestEnvironment.OrthancTree,
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) s[k] = v;
        return StartAsync(s, configure, database);
    }

    private static async Task<PortalHost> StartAsync(Dictionary<string, string?> s, Action<WebApplicationBuilder>? configure, PortalDatabase? database)
    {
        var host = new PortalHost(s, configure, TestEnvironment.NewTempFolder("portal"), database ?? TestEnvironment.Database);
        try
        {
            await host.StartAsync();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    public async Task StartAsync()
    {
        if (app is not null) throw new InvalidOperationException("Already running.");
        var all = new Dictionary<string, string?>
        {
            ["Portal:DataFolder"] = DataFolder,
            ["ChangeFeed:PollSeconds"] = "0.3",
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:System.Net.Http"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
            // Many portals share the test process: one idle portal's full GC would pause the others' tests
            // (IdleTrimmerTests drive the trimmer themselves).
            ["Footprint:TrimWhenIdle"] = "false",
        };
        if (database == PortalDatabase.Postgres)
        {
            // Its own database on the run's one PostgreSQL server, kept across restarts, dropped with the host.
            postgres ??= await PostgresDatabase.CreateAsync("portal");
            all["Portal:Database"] = nameof(PortalDatabase.Postgres);
            all["Portal:ConnectionString"] = postgres.ConnectionString;
        }
        foreach (var (k, v) in settings) all[k] = v;
        // Settings go in as command-line arguments: the app reads them while it registers its features.
        string[] args = [$"--urls=http://127.0.0.1:{Port}", .. all.Select(kv => $"--{kv.Key}={kv.Value}")];
        app = PortalApp.Build(args, builder =>
        {
            // The console's lines go to the captured logs instead; the file log under the data folder stays, as in production.
            foreach (var console in builder.Services.Where(d => d.ServiceType == typeof(ILoggerProvider)
                         && d.ImplementationType?.Namespace?.StartsWith("Microsoft.Extensions.Logging", StringComparison.Ordinal) == true).ToList())
            {
                builder.Services.Remove(console);
            }
            builder.Logging.AddProvider(Logs);
            builder.Services.RemoveAll<IInitialPasswordSink>();
            builder.Services.AddSingleton<IInitialPasswordSink>(InitialPasswords);
            configure?.Invoke(builder);
        }, TestEnvironment.WebRoot);
        await app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (app is null) return;
        var running = app;
        app = null;
        await running.StopAsync();
        await running.DisposeAsync();
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    public T GetRequiredService<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>
    /// A context on this portal's database from outside the app (e.g. to leave rows as a killed portal would while it is
    /// stopped), on whichever engine it uses. No pooling, so nothing stays open on the SQLite file.
    /// </summary>
    public PortalDbContext OpenStoppedDatabase() => postgres is { } pg
        ? new PostgresPortalDbContext(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(pg.ConnectionString + ";Pooling=false").Options)
        : new PortalDbContext(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite($"Data Source={Path.Combine(DataFolder, "portal.db")};Pooling=false").Options);

    /// <summary>
    /// Waits until the change feed has polled again and every subscriber's cursor has passed Orthanc's newest change,
    /// so whatever those changes cause has been done or recorded. A test that asserts that something did NOT happen
    /// (a second disc, a second run) waits for this instead of a fixed time.
    /// </summary>
    public async Task WaitForChangeFeedAsync(TimeSpan? timeout = null)
    {
        var reader = GetRequiredService<ChangeFeedReader>();
        var pollsBefore = reader.CompletedPolls;
        var last = await GetRequiredService<OrthancClient>().GetLastChangeSeqAsync();
        var databases = GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await TestEnvironment.WaitUntilAsync(async () =>
        {
            // Two polls: the first may have started before this call.
            if (reader.CompletedPolls < pollsBefore + 2) return false;
            await using var db = await databases.CreateDbContextAsync();
            var cursors = await db.Set<ChangeFeedCursor>().Select(c => c.LastSeq).ToListAsync();
            return cursors.Count > 0 && cursors.All(seq => seq >= last);
        }, timeout ?? TimeSpan.FromSeconds(30), $"every change-feed subscriber past change {last}");
    }

    /// <summary>Creates a local user who does not need to change the password, with the given roles.</summary>
    public async Task CreateUserAsync(string userName, string password, params string[] roles)
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = userName, CreatedAt = DateTime.UtcNow, LockoutEnabled = true };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        if (roles.Length > 0) await users.AddToRolesAsync(user, roles);
    }

    /// <summary>Creates a role holding exactly the given permissions.</summary>
    public async Task CreateRoleAsync(string name, params string[] permissions)
    {
        using var scope = Services.CreateScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<PortalRole>>();
        var role = new PortalRole(name);
        await roles.CreateAsync(role);
        foreach (var p in permissions) await roles.AddClaimAsync(role, new(Permissions.ClaimType, p));
    }

    /// <summary>An HttpClient signed in through the real sign-in form (cookie and antiforgery included). Redirects are not followed.</summary>
    public Task<HttpClient> SignInAsync(string userName, string password) => SignInAsync(Url, userName, password);

    /// <summary>The same for a portal at any address (one running in its own process).</summary>
    public static async Task<HttpClient> SignInAsync(Uri url, string userName, string password)
    {
        var client = NewClient(url);
        var form = await client.GetStringAsync("account/login");
        var response = await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = AntiforgeryToken(form),
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in of {userName} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return client;
    }

    /// <summary>A client with its own cookie jar that does not follow redirects.</summary>
    public HttpClient NewClient() => NewClient(Url);

    public static HttpClient NewClient(Uri url)
        => new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = url };

    public static string AntiforgeryToken(string html)
        => Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (postgres is not null) await postgres.DisposeAsync();
        TestEnvironment.DeleteQuietly(DataFolder);
    }
}

public sealed class CapturedPasswordSink : IInitialPasswordSink
{
    private readonly List<string> passwords = [];
    public IReadOnlyList<string> Passwords => passwords;
    public string? Last => passwords.LastOrDefault();
    public void Show(string userName, string password) => passwords.Add(password);
}

/// <summary>Every log line the portal wrote, to check that no secret ever reaches a log.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();
    public IEnumerable<string> Lines => lines;
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);
    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
            if (logLevel >= LogLevel.Warning) Console.Error.WriteLine($"[portal] {logLevel} {category}: {formatter(state, exception)} {exception?.Message}");
        }
    }
}
