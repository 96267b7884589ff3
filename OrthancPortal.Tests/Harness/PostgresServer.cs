using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace OrthancPortal.Tests.Harness;

/// <summary>
/// A real PostgreSQL (Debian's, <c>/usr/lib/postgresql/&lt;version&gt;/bin</c>; <c>POSTGRES_BIN</c> names another) with a
/// temporary cluster on a free loopback port: <c>initdb</c>, then <c>postgres</c> as a child process, TCP only, password
/// authentication. initdb refuses to run as root, so when the tests run as root the cluster belongs to Debian's
/// unprivileged <c>postgres</c> user and both programs run as it (setpriv). Durability is off: the cluster is thrown
/// away. Stopped and deleted by <see cref="DisposeAsync"/>, or by its watchdog when the test process ends in any way;
/// <see cref="SharedAsync"/> is the one server of a test run.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string Superuser = "portal_test";
    private const string ServiceUser = "postgres";

    private readonly Process process;
    private readonly StringBuilder log;
    private readonly string password;
    private int stopped;

    public int Port { get; }
    public string Folder { get; }
    private string DataDirectory => Path.Combine(Folder, "data");

    private PostgresServer(Process process, StringBuilder log, int port, string folder, string password)
    {
        this.process = process;
        this.log = log;
        Port = port;
        Folder = folder;
        this.password = password;
    }

    private static readonly Lazy<Task<PostgresServer>> shared = new(async () =>
    {
        var server = await StartAsync();
        // One server for the whole run: it goes when the test process ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopNow();
        return server;
    });

    /// <summary>The server every test class of this run shares (each with its own database): started on first use.</summary>
    public static Task<PostgresServer> SharedAsync() => shared.Value;

    /// <summary>The folder of PostgreSQL's programs: POSTGRES_BIN, else the newest /usr/lib/postgresql/&lt;n&gt;/bin that has initdb.</summary>
    public static string BinDirectory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("POSTGRES_BIN");
            if (!string.IsNullOrWhiteSpace(configured)) return configured;
            var root = "/usr/lib/postgresql";
            var found = Directory.Exists(root)
                ? Directory.EnumerateDirectories(root).Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
                    .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0).FirstOrDefault()
                : null;
            return found ?? throw new InvalidOperationException(
                "The PostgreSQL tests need Debian's postgresql (initdb under /usr/lib/postgresql/<version>/bin): run scripts/deps.sh --test.");
        }
    }

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = BinDirectory;
        var folder = TestEnvironment.NewTempFolder("postgres");
        var asRoot = Environment.UserName == "root";
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var passwordFile = Path.Combine(folder, "password");
        await File.WriteAllTextAsync(passwordFile, password);
        if (asRoot)
        {
            var (code, _) = await TestEnvironment.RunAsync("id", ["-u", ServiceUser], throwOnError: false);
            if (code != 0) throw new InvalidOperationException($"The tests run as root, so PostgreSQL must run as the unprivileged user '{ServiceUser}' (Debian's postgresql package makes it); it is missing.");
            await TestEnvironment.RunAsync("chown", ["-R", $"{ServiceUser}:{ServiceUser}", folder]);
        }
        var (initdb, initArgs) = AsServiceUser(asRoot, Path.Combine(bin, "initdb"),
            ["-D", Path.Combine(folder, "data"), "-U", Superuser, "--auth=scram-sha-256", $"--pwfile={passwordFile}", "-E", "UTF8", "--no-locale", "--no-sync"]);
        await TestEnvironment.RunAsync(initdb, initArgs, TimeSpan.FromMinutes(2));
        File.Delete(passwordFile);

        var port = TestEnvironment.FreePort();
        var (postgres, args) = AsServiceUser(asRoot, Path.Combine(bin, "postgres"),
        [
            "-D", Path.Combine(folder, "data"), "-p", port.ToString(),
            "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
            // A throw-away cluster: nothing needs to survive a crash, and fsyncs would slow every test.
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            "-c", "max_connections=300", "-c", "shared_buffers=64MB",
        ]);
        // A watchdog shell runs it: it stops the server and deletes the cluster when told to (SIGTERM) and also when this
        // test process is gone, however it ended, so no cluster outlives its run.
        const string watchdog = """
            "$@" &
            pg=$!
            finish() { kill -QUIT "$pg" 2>/dev/null; wait "$pg" 2>/dev/null; rm -rf "$FOLDER"; exit 0; }
            trap finish TERM INT
            while kill -0 "$OWNER" 2>/dev/null && kill -0 "$pg" 2>/dev/null; do sleep 1 & wait $!; done
            finish
            """;
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["-c", watchdog, "postgres-watchdog", postgres, .. args]) start.ArgumentList.Add(a);
        start.Environment["OWNER"] = Environment.ProcessId.ToString();
        start.Environment["FOLDER"] = folder;
        var log = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PostgresServer(process, log, port, folder, password);
        try
        {
            await server.WaitUntilReadyAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    private static (string File, string[] Args) AsServiceUser(bool asRoot, string file, string[] args)
        => asRoot ? ("setpriv", [$"--reuid={ServiceUser}", $"--regid={ServiceUser}", "--init-groups", "--", file, .. args]) : (file, args);

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"PostgreSQL exited with {process.ExitCode} at start:\n{Log}");
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false;Timeout=2");
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public string Log { get { lock (log) return log.ToString(); } }

    /// <summary>An Npgsql connection string for one database of this server, as the superuser.</summary>
    public string ConnectionString(string database)
        => new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Database = database, Username = Superuser, Password = password,
            IncludeErrorDetail = true, MaxPoolSize = 30, Timeout = 15,
        }.ConnectionString;

    /// <summary>Creates an empty database with a unique name; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{new string(prefix.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray())}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];
        await ExecuteAsync($"CREATE DATABASE \"{name}\"");
        return ConnectionString(name);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing what the test process still pools for it.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await using (var pooled = new NpgsqlConnection(connectionString)) NpgsqlConnection.ClearPool(pooled);
        if (process.HasExited) return;
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Stops the server (immediate shutdown: the cluster is thrown away) and deletes its folder, through the watchdog.</summary>
    private void StopNow()
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1) return;
        try
        {
            if (!process.HasExited)
            {
                using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString()]) { UseShellExecute = false })) kill?.WaitForExit(5000);
                if (!process.WaitForExit(15000)) process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException) { }
        process.Dispose();
        TestEnvironment.DeleteQuietly(Folder);
    }

    public ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        StopNow();
        return ValueTask.CompletedTask;
    }
}

/// <summary>One database on the shared <see cref="PostgresServer"/> for one fixture or test: created empty, dropped after.</summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly PostgresServer server;
    public string ConnectionString { get; }

    private PostgresDatabase(PostgresServer server, string connectionString)
    {
        this.server = server;
        ConnectionString = connectionString;
    }

    public static async Task<PostgresDatabase> CreateAsync(string prefix)
    {
        var server = await PostgresServer.SharedAsync();
        return new PostgresDatabase(server, await server.CreateDatabaseAsync(prefix));
    }

    public async ValueTask DisposeAsync() => await server.DropDatabaseAsync(ConnectionString);
}
