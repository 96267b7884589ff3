using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure;
using OrthancPortal.Infrastructure.Files;
using OrthancPortal.Infrastructure.Live;

namespace OrthancPortal.Features.Orthanc;

/// <summary>What the managed Orthanc is doing now; read by the endpoint provider and the dashboard.</summary>
public sealed class ManagedOrthancState
{
    public OrthancEndpoint? Endpoint { get; internal set; }
    public string? LastError { get; internal set; }
    public int? ProcessId { get; internal set; }
    public int Restarts { get; internal set; }
}

/// <summary>Published when the managed Orthanc comes up or goes down, so the dashboard can refresh without polling.</summary>
public sealed record ManagedOrthancChanged(bool Running, string? Error);

/// <summary>
/// Runs Orthanc as a child process in managed mode: writes its configuration under the data folder (HTTP for
/// loopback only, fresh generated credentials at every start), starts it, waits for /system, restarts it with
/// backoff when it dies, and stops it on shutdown.
/// </summary>
public sealed class ManagedOrthancService(
    SettingsStore settings,
    ManagedOrthancState state,
    IOptions<OrthancInstallation> installationOptions,
    IOptions<OrthancPostgresIndex> postgresIndex,
    IOptions<PortalOptions> portal,
    LiveNotifier notifier,
    ILogger<ManagedOrthancService> logger) : BackgroundService
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan HealthyRun = TimeSpan.FromSeconds(60);
    private readonly OrthancInstallation installation = installationOptions.Value;
    private Process? process;
    private CancellationTokenSource restartRequest = new();

    public string ConfigPath => Path.Combine(portal.Value.SubFolder("orthanc"), "orthanc.json");
    private string PidPath => Path.Combine(portal.Value.SubFolder("orthanc"), "orthanc.pid");

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        using var subscription = notifier.Subscribe<SettingsChanged>(c =>
        {
            if (c.Section == OrthancSettings.SectionName) restartRequest.Cancel();
            return Task.CompletedTask;
        });
        KillOrphanFromPreviousRun();
        var backoff = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            restartRequest = new CancellationTokenSource();
            using var cycle = CancellationTokenSource.CreateLinkedTokenSource(stopping, restartRequest.Token);
            var s = await settings.GetAsync<OrthancSettings>(stopping);
            if (s.Mode != OrthancMode.Managed)
            {
                SetDown(null);
                await WaitQuietly(Timeout.InfiniteTimeSpan, cycle.Token);
                continue;
            }

            var started = DateTime.UtcNow;
            try
            {
                await RunOnceAsync(s, cycle.Token);
            }
            catch (OperationCanceledException) when (cycle.IsCancellationRequested) { }
            catch (Exception ex)
            {
                logger.LogError(ex, "The managed Orthanc failed");
                SetDown(ex.Message);
            }
            finally
            {
                await StopProcessAsync();
            }

            if (stopping.IsCancellationRequested) break;
            if (restartRequest.IsCancellationRequested) { backoff = TimeSpan.FromSeconds(1); continue; }
            backoff = DateTime.UtcNow - started > HealthyRun ? TimeSpan.FromSeconds(1) : Min(backoff * 2, MaxBackoff);
            state.Restarts++;
            logger.LogWarning("Restarting the managed Orthanc in {Delay}", backoff);
            await WaitQuietly(backoff, stopping);
        }
        SetDown("The portal is stopping.");
    }

    private async Task RunOnceAsync(OrthancSettings s, CancellationToken ct)
    {
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        await AtomicFile.WriteAllTextAsync(ConfigPath, BuildConfig(s, password).ToJsonString(new JsonSerializerOptions { WriteIndented = true }), System.Text.Encoding.UTF8, ct);
        // The config holds the generated password: readable by the portal's user only.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(ConfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var logPath = Path.Combine(portal.Value.SubFolder(Infrastructure.Logging.FileLog.Folder), "orthanc.log");
        var start = installation.CreateStartInfo([$"--logfile={logPath}", ConfigPath]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {installation.Describe()}.");
        // Orthanc logs to the file; drain the pipes so it never blocks on a full one.
        _ = process.StandardOutput.ReadToEndAsync(ct);
        _ = process.StandardError.ReadToEndAsync(ct);
        await File.WriteAllTextAsync(PidPath, process.Id.ToString(), ct);
        state.ProcessId = process.Id;
        logger.LogInformation("Started the managed Orthanc, {Program} (pid {Pid}), on HTTP port {Port}, DICOM port {DicomPort}", installation.Describe(), process.Id, s.ManagedHttpPort, s.DicomPort);

        var endpoint = new OrthancEndpoint(new Uri($"http://127.0.0.1:{s.ManagedHttpPort}/"), "portal", password);
        await WaitUntilReadyAsync(endpoint, process, ct);
        state.Endpoint = endpoint;
        state.LastError = null;
        notifier.Publish(new ManagedOrthancChanged(true, null));

        await process.WaitForExitAsync(ct);
        var reason = $"Orthanc exited with code {process.ExitCode}. See {logPath}.";
        logger.LogError("The managed Orthanc stopped: {Reason}", reason);
        SetDown(reason);
    }

    private static async Task WaitUntilReadyAsync(OrthancEndpoint endpoint, Process orthanc, CancellationToken ct)
    {
        using var probe = new HttpClient { BaseAddress = endpoint.BaseUri, Timeout = TimeSpan.FromSeconds(2) };
        probe.DefaultRequestHeaders.Authorization = endpoint.Authorization;
        var deadline = DateTime.UtcNow + StartupTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (orthanc.HasExited) throw new InvalidOperationException($"Orthanc exited during start-up with code {orthanc.ExitCode}.");
            try
            {
                var system = await probe.GetFromJsonAsync<OrthancSystem>("system", OrthancClient.Json, ct);
                if (system is not null) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(200, ct);
        }
        throw new TimeoutException($"Orthanc did not answer /system within {StartupTimeout.TotalSeconds:0} s.");
    }

    internal JsonObject BuildConfig(OrthancSettings s, string password)
    {
        var storage = portal.Value.SubFolder(Path.Combine("orthanc", "storage"));
        var plugins = new JsonArray();
        // GDCM decodes what Orthanc's own codecs cannot (JPEG 2000 among others), for previews and transcoding.
        foreach (var name in new[] { "libModalityWorklists.so", "libOrthancDicomWeb.so", "libOrthancWebViewer.so", "libOrthancGdcm.so" })
        {
            if (installation.FindPlugin(name) is { } path) plugins.Add(path);
        }
        var index = postgresIndex.Value;
        if (index.Enabled)
        {
            plugins.Add(installation.FindPlugin(OrthancPostgresIndex.PluginFile) ?? throw new InvalidOperationException(
                $"{OrthancPostgresIndex.Section} is enabled, but {installation.Describe()} has no {OrthancPostgresIndex.PluginFile}: install Debian's orthanc-postgresql (it is in scripts/orthanc-packages.txt)."));
        }
        var config = new JsonObject
        {
            ["Name"] = "OrthancPortal",
            ["StorageDirectory"] = Path.GetFullPath(storage),
            ["IndexDirectory"] = Path.GetFullPath(storage),
            ["HttpPort"] = s.ManagedHttpPort,
            // Loopback only: the portal is the only HTTP client; users reach images through its permission-checked proxy.
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = true,
            ["RegisteredUsers"] = new JsonObject { ["portal"] = password },
            ["DicomAet"] = s.DicomAet,
            ["DicomPort"] = s.DicomPort,
            ["DicomModalitiesInDatabase"] = true,
            // Without it Orthanc aborts a worklist query from an AET it does not know (the modality sees "Peer aborted").
            ["DicomAlwaysAllowFindWorklist"] = s.WorklistFromAnyAet,
            ["OrthancPeersInDatabase"] = true,
            ["StableAge"] = s.StableAge,
            ["MaximumStorageSize"] = s.MaximumStorageSizeMb,
            ["MaximumPatientCount"] = s.MaximumPatientCount,
            ["Plugins"] = plugins,
            ["Worklists"] = new JsonObject { ["Enable"] = true, ["Database"] = Path.GetFullPath(portal.Value.SubFolder("worklists")) },
            ["DicomWeb"] = new JsonObject
            {
                ["Enable"] = true, ["Root"] = "/dicom-web/", ["EnableWado"] = true, ["WadoRoot"] = "/wado",
                ["StudiesMetadata"] = "MainDicomTags", ["SeriesMetadata"] = "Full",
            },
        };
        // With the index in PostgreSQL, Orthanc writes no SQLite index into IndexDirectory; the files stay in StorageDirectory.
        if (index.Enabled) config["PostgreSQL"] = index.ToOrthancSection();
        return config;
    }

    private void SetDown(string? error)
    {
        var wasUp = state.Endpoint is not null;
        state.Endpoint = null;
        state.ProcessId = null;
        state.LastError = error;
        if (wasUp || error is not null) notifier.Publish(new ManagedOrthancChanged(false, error));
    }

    private async Task StopProcessAsync()
    {
        var p = process;
        process = null;
        if (p is null) return;
        try
        {
            if (!p.HasExited)
            {
                // SIGTERM lets Orthanc close its index cleanly; kill only if it does not stop in time.
                if (!OperatingSystem.IsWindows()) _ = SendSigterm(p.Id, 15);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try { await p.WaitForExitAsync(wait.Token); }
                catch (OperationCanceledException) { p.Kill(entireProcessTree: true); }
            }
        }
        catch (InvalidOperationException) { }
        finally
        {
            p.Dispose();
            TryDelete(PidPath);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await StopProcessAsync();
    }

    /// <summary>A previous portal that crashed can leave its Orthanc running on our ports: stop it first.</summary>
    private void KillOrphanFromPreviousRun()
    {
        if (!File.Exists(PidPath) || !int.TryParse(File.ReadAllText(PidPath), out var pid)) return;
        try
        {
            using var orphan = Process.GetProcessById(pid);
            if (IsOurOrthanc(orphan))
            {
                logger.LogWarning("Stopping an Orthanc (pid {Pid}) left over from a previous run", pid);
                orphan.Kill(entireProcessTree: true);
                orphan.WaitForExit(10_000);
            }
        }
        catch (ArgumentException) { }
        TryDelete(PidPath);
    }

    /// <summary>
    /// An Orthanc started from a tree runs as the tree's loader (its process name is "ld-linux-..."), so the command
    /// line is what identifies it: it names our configuration file.
    /// </summary>
    private bool IsOurOrthanc(Process candidate)
    {
        var cmdline = $"/proc/{candidate.Id}/cmdline";
        if (File.Exists(cmdline)) return File.ReadAllText(cmdline).Split('\0').Contains(ConfigPath);
        return candidate.ProcessName.Contains("Orthanc", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task WaitQuietly(TimeSpan delay, CancellationToken ct)
    {
        try { await Task.Delay(delay, ct); } catch (OperationCanceledException) { }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSigterm(int pid, int signal);
}
