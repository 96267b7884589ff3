using System.Diagnostics;
using System.Text;

namespace OrthancPortal.Tests.Harness;

/// <summary>
/// The built portal (the OrthancPortal project's output beside this test's) as a process of its own, configured only
/// through its environment, on a free loopback port. It can be killed as a crash would (SIGKILL) or stopped as a
/// service manager does (SIGTERM). For tests of several portal processes on one database.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder log = new();

    public int Port { get; }
    public Uri Url => new($"http://127.0.0.1:{Port}/");
    public int ProcessId => process.Id;
    public bool HasExited => process.HasExited;
    public string Log { get { lock (log) return log.ToString(); } }

    private PortalProcess(Process process, int port)
    {
        this.process = process;
        Port = port;
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Starts the portal with <paramref name="settings"/> (configuration keys, e.g. <c>Portal:DataFolder</c>) and waits for /healthz.</summary>
    public static async Task<PortalProcess> StartAsync(IDictionary<string, string?> settings, int? port = null)
    {
        var p = port ?? TestEnvironment.FreePort();
        var start = new ProcessStartInfo(Path.Combine(BuildOutput(), "OrthancPortal"))
        {
            WorkingDirectory = BuildOutput(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Nothing of this test run's own configuration leaks into the child.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Portal__") || k.StartsWith("Orthanc__") || k.StartsWith("ASPNETCORE_") || k.StartsWith("DOTNET_")).ToList())
        {
            start.Environment.Remove(key);
        }
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{p}";
        var portal = new PortalProcess(Process.Start(start)!, p);
        try
        {
            await portal.WaitHealthyAsync();
        }
        catch
        {
            await portal.DisposeAsync();
            throw;
        }
        return portal;
    }

    private async Task WaitHealthyAsync()
    {
        using var probe = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        await TestEnvironment.WaitUntilAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"The portal exited with {process.ExitCode}: {Log}");
            try { return (await probe.GetAsync("healthz")).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
            catch (TaskCanceledException) { return false; }
        }, TimeSpan.FromSeconds(120), $"the portal process on port {Port} answers /healthz");
    }

    /// <summary>SIGSTOP then SIGKILL: the process freezes at once (in the middle of whatever it does) and dies without any clean-up.</summary>
    public async Task KillAsync()
    {
        if (process.HasExited) return;
        await TestEnvironment.RunAsync("kill", ["-STOP", process.Id.ToString()]);
        await TestEnvironment.RunAsync("kill", ["-KILL", process.Id.ToString()]);
        await process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as a service manager stops it, so the portal shuts down in order.</summary>
    public async Task StopAsync()
    {
        if (process.HasExited) return;
        await TestEnvironment.RunAsync("kill", ["-TERM", process.Id.ToString()]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }
    }

    /// <summary>The portal's own build output, next to this test's (same configuration, framework and runtime).</summary>
    public static string BuildOutput()
    {
        var testProject = Path.Combine(TestEnvironment.RepositoryRoot, "OrthancPortal.Tests");
        var relative = Path.GetRelativePath(testProject, AppContext.BaseDirectory);
        var output = Path.Combine(TestEnvironment.RepositoryRoot, "OrthancPortal", relative);
        if (!File.Exists(Path.Combine(output, "OrthancPortal"))) throw new InvalidOperationException($"The portal's build output is expected at {output}");
        return output;
    }

    public async ValueTask DisposeAsync()
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await process.WaitForExitAsync();
        process.Dispose();
    }
}
