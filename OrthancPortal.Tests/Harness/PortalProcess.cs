using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Tests.Harness;

/// <summary>
/// The built portal (the app's own build output) run as a process of its own on a data folder, configured only by
/// environment variables (<c>Portal__DataFolder</c>, its URL, and what the test adds), so that a test can stop it as
/// the container does (SIGTERM) or kill it (SIGKILL) and start it again on the same data folder. Settings only a
/// running portal can make (users, the Orthanc connection, destinations) go in beforehand with <see cref="SeedAsync"/>.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private readonly string executableFolder;
    private readonly string workingDirectory;
    private readonly string? tempFolder;
    private readonly IReadOnlyDictionary<string, string?> environment;
    private readonly StringBuilder output = new();
    private Process? process;

    /// <param name="dataFolder">The portal's data folder (kept across restarts).</param>
    /// <param name="executableFolder">Where the binaries are; the build output by default.</param>
    /// <param name="workingDirectory">The process's working directory; the data folder's parent by default.</param>
    /// <param name="tempFolder">TMPDIR for the process, or the test's own.</param>
    /// <param name="environment">More configuration, e.g. <c>Robots__TickSeconds</c> (or <c>Robots:TickSeconds</c>).</param>
    public PortalProcess(string dataFolder, string? executableFolder = null, string? workingDirectory = null, string? tempFolder = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        DataFolder = dataFolder;
        this.executableFolder = executableFolder ?? BuildOutput();
        this.workingDirectory = workingDirectory ?? Path.GetDirectoryName(Path.GetFullPath(dataFolder))!;
        this.tempFolder = tempFolder;
        this.environment = environment ?? new Dictionary<string, string?>();
        Url = new Uri($"http://127.0.0.1:{TestEnvironment.FreePort()}/");
    }

    public string DataFolder { get; }
    /// <summary>The same port for every start, so clients made before a restart keep working.</summary>
    public Uri Url { get; }
    public int Port => Url.Port;
    public bool IsRunning => process is { HasExited: false };
    /// <summary>The current start's process id (a scale-out node's id contains it).</summary>
    public int ProcessId => process?.Id ?? throw new InvalidOperationException("The portal process has not been started.");
    /// <summary>What the process wrote to stdout/stderr, over all its starts.</summary>
    public string Output { get { lock (output) return output.ToString(); } }

    /// <summary>The portal's own build output, next to this test's (same configuration, framework and runtime).</summary>
    public static string BuildOutput()
    {
        var testProject = Path.Combine(TestEnvironment.RepositoryRoot, "OrthancPortal.Tests");
        var relative = Path.GetRelativePath(testProject, AppContext.BaseDirectory);
        var folder = Path.Combine(TestEnvironment.RepositoryRoot, "OrthancPortal", relative);
        File.Exists(Path.Combine(folder, "OrthancPortal")).ShouldBeTrue($"the portal's build output is expected at {folder}");
        return folder;
    }

    /// <summary>Starts the process and waits until it answers /healthz.</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        if (IsRunning) throw new InvalidOperationException("The portal process is already running.");
        process?.Dispose();
        var start = new ProcessStartInfo(Path.Combine(executableFolder, "OrthancPortal"))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Nothing of this test run's own configuration leaks into the child.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Portal__") || k.StartsWith("Orthanc__") || k.StartsWith("ASPNETCORE_") || k.StartsWith("DOTNET_")).ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["Portal__DataFolder"] = DataFolder;
        start.Environment["ASPNETCORE_URLS"] = Url.ToString().TrimEnd('/');
        if (tempFolder is not null) start.Environment["TMPDIR"] = tempFolder;
        foreach (var (key, value) in environment) start.Environment[key.Replace(":", "__")] = value;

        var started = Process.Start(start)!;
        process = started;
        started.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        started.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        using var probe = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        await TestEnvironment.WaitUntilAsync(async () =>
        {
            if (started.HasExited) throw new InvalidOperationException($"The portal exited with {started.ExitCode}: {Output}");
            try { return (await probe.GetAsync("healthz")).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
            catch (TaskCanceledException) { return false; }
        }, timeout ?? TimeSpan.FromSeconds(90), "the portal process answers /healthz");
    }

    /// <summary>SIGTERM, as the container's stop does, so the portal shuts down in order.</summary>
    public async Task StopAsync()
    {
        if (!IsRunning) return;
        await TestEnvironment.RunAsync("kill", ["-TERM", process!.Id.ToString()]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }
    }

    /// <summary>SIGKILL: the process ends at once, with no shutdown code run (a power cut or the OOM killer).</summary>
    public async Task KillAsync()
    {
        if (!IsRunning) return;
        process!.Kill(); // Process.Kill sends SIGKILL on Unix
        await process.WaitForExitAsync();
        SqliteConnection.ClearAllPools();
    }

    /// <summary>A short-lived context on the process's database, for a test to watch states while the process runs.</summary>
    public PortalDbContext OpenDatabase()
        => new(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite($"Data Source={Path.Combine(DataFolder, "portal.db")};Pooling=false").Options);

    /// <summary>
    /// Runs a portal inside this test process on <paramref name="dataFolder"/> (migrating it), lets
    /// <paramref name="seed"/> make settings through its services, and stops it: the process under test then needs no
    /// other configuration.
    /// </summary>
    public static async Task SeedAsync(string dataFolder, Func<IServiceProvider, Task> seed, params string[] moreArgs)
    {
        string[] args = [$"--urls=http://127.0.0.1:{TestEnvironment.FreePort()}", $"--Portal:DataFolder={dataFolder}", "--Logging:LogLevel:Default=Warning", .. moreArgs];
        var app = PortalApp.Build(args, webRoot: TestEnvironment.WebRoot);
        await app.StartAsync();
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            await seed(scope.ServiceProvider);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>Seeding step: an admin account.</summary>
    public static async Task CreateAdminAsync(IServiceProvider services, string userName, string password)
    {
        var users = services.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = userName, CreatedAt = DateTime.UtcNow, LockoutEnabled = true };
        (await users.CreateAsync(user, password)).Succeeded.ShouldBeTrue();
        await users.AddToRoleAsync(user, Roles.Admin);
    }

    /// <summary>Seeding step: the portal uses <paramref name="orthanc"/> as its external Orthanc.</summary>
    public static async Task ConnectOrthancAsync(IServiceProvider services, OrthancProcess orthanc)
    {
        var settings = services.GetRequiredService<SettingsStore>();
        var connection = await settings.GetAsync<OrthancSettings>();
        connection.Mode = OrthancMode.External;
        connection.ExternalUrl = orthanc.Url.ToString();
        connection.ExternalUsername = OrthancProcess.Username;
        connection.ExternalPassword = OrthancProcess.Password;
        connection.DicomAet = orthanc.Aet;
        connection.DicomPort = orthanc.DicomPort;
        await settings.SaveAsync(connection, Actor.System);
    }

    public async ValueTask DisposeAsync()
    {
        try { await StopAsync(); }
        finally
        {
            if (IsRunning) process!.Kill(entireProcessTree: true);
            process?.Dispose();
            process = null;
            SqliteConnection.ClearAllPools();
        }
    }
}
