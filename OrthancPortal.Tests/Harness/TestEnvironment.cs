using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrthancPortal.Tests.Harness;

/// <summary>Free ports, temporary folders, repository paths and external commands for the tests.</summary>
public static class TestEnvironment
{
    private static int nextPort = 20000 + Environment.ProcessId % 20000;

    /// <summary>A loopback port that is free now. Ports are handed out once per test run, so parallel fixtures never collide.</summary>
    public static int FreePort()
    {
        while (true)
        {
            var candidate = Interlocked.Increment(ref nextPort);
            if (candidate > 60000) Interlocked.Exchange(ref nextPort, 20000);
            if (IsFree(candidate)) return candidate;
        }
    }

    /// <summary>A block of <paramref name="count"/> consecutive loopback ports that are free now and handed to no one else in this run.</summary>
    public static (int First, int Last) FreePortRange(int count)
    {
        while (true)
        {
            var last = Interlocked.Add(ref nextPort, count);
            if (last > 60000) { Interlocked.Exchange(ref nextPort, 20000); continue; }
            var first = last - count + 1;
            if (Enumerable.Range(first, count).All(IsFree)) return (first, last);
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException) { return false; }
    }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string WebRoot => Path.Combine(RepositoryRoot, "OrthancPortal", "wwwroot");

    /// <summary>
    /// The Debian trixie tree holding the portal's Orthanc 1.12 ("/" on a trixie host: the system's). scripts/test.sh
    /// exports ORTHANC_TREE; without it, the tree scripts/orthanc-tree.sh caches for the current package list is used.
    /// </summary>
    public static string OrthancTree => orthancTree.Value;

    private static readonly Lazy<string> orthancTree = new(FindOrthancTree);

    private static string FindOrthancTree()
    {
        var configured = Environment.GetEnvironmentVariable("ORTHANC_TREE");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (configured == "/" || File.Exists(Path.Combine(configured, "usr", "sbin", "Orthanc"))) return configured;
            throw new InvalidOperationException($"ORTHANC_TREE={configured} holds no usr/sbin/Orthanc. Run scripts/orthanc-tree.sh and export what it prints.");
        }
        // The same key as scripts/orthanc-tree.sh: the first 12 hex digits of the package list's SHA-256.
        var list = File.ReadAllBytes(Path.Combine(RepositoryRoot, "scripts", "orthanc-packages.txt"));
        var key = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(list))[..12];
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var tree = Path.Combine(cache, "orthanc-portal", $"trixie-{key}");
        if (File.Exists(Path.Combine(tree, "usr", "sbin", "Orthanc"))) return tree;
        throw new InvalidOperationException(
            $"The tests need the portal's Orthanc 1.12 (tree {tree} is missing). Run the tests with scripts/test.sh, " +
            "or build it with scripts/orthanc-tree.sh and export ORTHANC_TREE=<the path it prints>.");
    }

    /// <summary>
    /// The portal database's engine for hosts that do not choose one: env PORTAL_TEST_DATABASE (Sqlite or Postgres), default
    /// Sqlite. <c>PORTAL_TEST_DATABASE=Postgres ./scripts/test.sh</c> runs every integration test on PostgreSQL.
    /// </summary>
    public static OrthancPortal.Infrastructure.PortalDatabase Database { get; } =
        Enum.TryParse<OrthancPortal.Infrastructure.PortalDatabase>(Environment.GetEnvironmentVariable("PORTAL_TEST_DATABASE"), true, out var d)
            ? d : OrthancPortal.Infrastructure.PortalDatabase.Sqlite;

    public static string NewTempFolder(string prefix)
    {
        var root = Path.Combine(Path.GetTempPath(), "orthanc-portal-tests");
        var path = Path.Combine(root, $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(path);
        // The portal's umask (0027) holds for this whole test process; test servers that drop to their own user
        // (apache as www-data, vsftpd as ftp) must still reach their folders under this root.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        return path;
    }

    public static void DeleteQuietly(string path)
    {
        try { if (Directory.Exists(path)) Directory.Delete(path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Runs a command to completion and returns its exit code and output; throws with the output on a non-zero exit when asked.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, TimeSpan? timeout = null, bool throwOnError = true, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? "" };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish in time.");
        }
        var output = await stdout + await stderr;
        if (throwOnError && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}:\n{output}");
        }
        return (process.ExitCode, output);
    }

    /// <summary>Polls until the condition holds, for things that happen in the background (change feed, jobs).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition()) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for: {what}");
            await Task.Delay(200);
        }
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OrthancPortal.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (OrthancPortal.sln).");
    }
}
