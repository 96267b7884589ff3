using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace OrthancPortal.Tests.Harness;

/// <summary>
/// Real file servers for export tests, each a Debian daemon run in the foreground with its own config in a temp
/// folder, on a free loopback port: Apache with mod_dav (WebDAV), OpenSSH (SFTP), vsftpd (FTP).
/// </summary>
public abstract class ExportTestServer : IAsyncDisposable
{
    private Process? process;
    public string Folder { get; } = TestEnvironment.NewTempFolder("srv");
    public int Port { get; } = TestEnvironment.FreePort();
    /// <summary>Where uploaded files land on disk.</summary>
    public abstract string UploadFolder { get; }

    protected async Task StartProcessAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"{file} exited at start: {output}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException) { await Task.Delay(100); }
        }
        throw new TimeoutException($"{file} did not listen on {Port}: {output}");
    }

    public ValueTask DisposeAsync()
    {
        if (process is { HasExited: false }) { process.Kill(entireProcessTree: true); process.WaitForExit(5000); }
        process?.Dispose();
        TestEnvironment.DeleteQuietly(Folder);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}

/// <summary>Apache 2 with mod_dav and basic authentication (user "dav").</summary>
public sealed class WebDavTestServer : ExportTestServer
{
    public const string User = "dav";
    public const string Password = "dav-Secret-1";
    public override string UploadFolder => Path.Combine(Folder, "dav");
    public Uri Url => new($"http://127.0.0.1:{Port}/dav/");

    public static async Task<WebDavTestServer> StartAsync()
    {
        var s = new WebDavTestServer();
        Directory.CreateDirectory(s.UploadFolder);
        // Apache drops root for www-data, which must own what it writes.
        await TestEnvironment.RunAsync("chown", ["-R", "www-data:www-data", s.UploadFolder]);
        var lockDir = Path.Combine(s.Folder, "lock");
        Directory.CreateDirectory(lockDir);
        await TestEnvironment.RunAsync("chown", ["www-data:www-data", lockDir]);
        await TestEnvironment.RunAsync("chmod", ["755", s.Folder]);
        var sha1 = Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(Password)));
        await File.WriteAllTextAsync(Path.Combine(s.Folder, "users"), $"{User}:{{SHA}}{sha1}\n");
        // Read by www-data at every request; the portal's umask would leave it root-only.
        await TestEnvironment.RunAsync("chmod", ["644", Path.Combine(s.Folder, "users")]);
        const string mods = "/usr/lib/apache2/modules";
        var conf = $"""
            ServerRoot "{s.Folder}"
            ServerName localhost
            Listen 127.0.0.1:{s.Port}
            PidFile "{s.Folder}/httpd.pid"
            ErrorLog "{s.Folder}/error.log"
            User www-data
            Group www-data
            LoadModule mpm_event_module {mods}/mod_mpm_event.so
            LoadModule authn_core_module {mods}/mod_authn_core.so
            LoadModule authn_file_module {mods}/mod_authn_file.so
            LoadModule authz_core_module {mods}/mod_authz_core.so
            LoadModule authz_user_module {mods}/mod_authz_user.so
            LoadModule auth_basic_module {mods}/mod_auth_basic.so
            LoadModule alias_module {mods}/mod_alias.so
            LoadModule dav_module {mods}/mod_dav.so
            LoadModule dav_fs_module {mods}/mod_dav_fs.so
            DavLockDB "{lockDir}/DavLock"
            LimitRequestBody 0
            Alias /dav "{s.UploadFolder}"
            <Directory "{s.UploadFolder}">
                Dav On
                AuthType Basic
                AuthName "dav"
                AuthUserFile "{s.Folder}/users"
                Require valid-user
            </Directory>
            """;
        var confPath = Path.Combine(s.Folder, "httpd.conf");
        await File.WriteAllTextAsync(confPath, conf);
        await s.StartProcessAsync("/usr/sbin/apache2", "-X", "-f", confPath);
        return s;
    }
}

/// <summary>OpenSSH's sshd with a generated host key, accepting one generated client key for the current user.</summary>
public sealed class SftpTestServer : ExportTestServer
{
    public override string UploadFolder => Path.Combine(Folder, "upload");
    public string PrivateKey { get; private set; } = "";
    public string HostKeySha256 { get; private set; } = "";
    public string User => Environment.UserName;
    public Uri Url => new($"sftp://127.0.0.1:{Port}{UploadFolder}/");

    public static async Task<SftpTestServer> StartAsync()
    {
        var s = new SftpTestServer();
        Directory.CreateDirectory(s.UploadFolder);
        var hostKey = Path.Combine(s.Folder, "host_key");
        var clientKey = Path.Combine(s.Folder, "client_key");
        await TestEnvironment.RunAsync("ssh-keygen", ["-q", "-t", "ecdsa", "-b", "256", "-m", "PEM", "-N", "", "-f", hostKey]);
        await TestEnvironment.RunAsync("ssh-keygen", ["-q", "-t", "ecdsa", "-b", "256", "-m", "PEM", "-N", "", "-f", clientKey]);
        File.Copy(clientKey + ".pub", Path.Combine(s.Folder, "authorized_keys"));
        s.PrivateKey = await File.ReadAllTextAsync(clientKey);
        // curl's --hostpubsha256 takes the base64 SHA-256 of the raw host key blob (as ssh-keygen -l shows it, without padding).
        var blob = Convert.FromBase64String((await File.ReadAllTextAsync(hostKey + ".pub")).Split(' ')[1]);
        s.HostKeySha256 = Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');
        // sshd insists on its privilege separation directory.
        Directory.CreateDirectory("/run/sshd");
        var conf = $"""
            ListenAddress 127.0.0.1
            HostKey {hostKey}
            PidFile {s.Folder}/sshd.pid
            AuthorizedKeysFile {s.Folder}/authorized_keys
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            Subsystem sftp internal-sftp
            """;
        var confPath = Path.Combine(s.Folder, "sshd_config");
        await File.WriteAllTextAsync(confPath, conf);
        await s.StartProcessAsync("/usr/sbin/sshd", "-D", "-e", "-f", confPath, "-p", s.Port.ToString());
        return s;
    }
}

/// <summary>vsftpd with anonymous upload into /upload (anonymous writes go in as Debian's "ftp" user).</summary>
public sealed class FtpTestServer : ExportTestServer
{
    private string Root => Path.Combine(Folder, "root");
    public override string UploadFolder => Path.Combine(Root, "upload");
    public Uri Url => new($"ftp://127.0.0.1:{Port}/upload/");

    public static async Task<FtpTestServer> StartAsync()
    {
        var s = new FtpTestServer();
        Directory.CreateDirectory(s.UploadFolder);
        var empty = Path.Combine(s.Folder, "empty");
        Directory.CreateDirectory(empty);
        await TestEnvironment.RunAsync("chmod", ["755", s.Folder, s.Root, empty]);
        await TestEnvironment.RunAsync("chown", ["ftp:ftp", s.UploadFolder]);
        // Several passive ports: one port alone sits in TIME_WAIT after a transfer, and the next PASV then fails with 500.
        var (pasvMin, pasvMax) = TestEnvironment.FreePortRange(16);
        var conf = $"""
            listen=YES
            listen_address=127.0.0.1
            listen_port={s.Port}
            background=NO
            anonymous_enable=YES
            local_enable=NO
            no_anon_password=YES
            anon_root={s.Root}
            write_enable=YES
            anon_upload_enable=YES
            anon_mkdir_write_enable=YES
            anon_other_write_enable=YES
            anon_umask=022
            ftp_username=ftp
            secure_chroot_dir={empty}
            pasv_enable=YES
            pasv_address=127.0.0.1
            pasv_min_port={pasvMin}
            pasv_max_port={pasvMax}
            seccomp_sandbox=NO
            xferlog_enable=YES
            vsftpd_log_file={s.Folder}/vsftpd.log
            """;
        var confPath = Path.Combine(s.Folder, "vsftpd.conf");
        await File.WriteAllTextAsync(confPath, conf + "\n");
        await s.StartProcessAsync("/usr/sbin/vsftpd", confPath);
        return s;
    }
}
