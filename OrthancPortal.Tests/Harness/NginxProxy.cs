namespace OrthancPortal.Tests.Harness;

/// <summary>
/// Debian's nginx (package nginx, scripts/deps.sh --test) in the foreground on a free loopback port, with a temporary
/// prefix folder, in front of several portals with client-address affinity (<c>ip_hash</c>), as docs/scale-out/nginx.conf
/// sets it up. Each answer names the portal that served it in <c>X-Portal-Upstream</c>, so a test knows whom to kill.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    public const string UpstreamHeader = "X-Portal-Upstream";

    private readonly System.Diagnostics.Process process;
    private readonly string folder;

    public int Port { get; }
    public Uri Url => new($"http://127.0.0.1:{Port}/");

    private NginxProxy(System.Diagnostics.Process process, string folder, int port)
    {
        this.process = process;
        this.folder = folder;
        Port = port;
    }

    public static async Task<NginxProxy> StartAsync(IEnumerable<int> portalPorts)
    {
        var folder = TestEnvironment.NewTempFolder("nginx");
        var port = TestEnvironment.FreePort();
        foreach (var sub in new[] { "body", "proxy", "fastcgi", "uwsgi", "scgi" }) Directory.CreateDirectory(Path.Combine(folder, sub));
        var servers = string.Join("\n", portalPorts.Select(p => $"        server 127.0.0.1:{p} max_fails=1 fail_timeout=60s;"));
        var config = Path.Combine(folder, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log info;
            events { worker_connections 512; }
            http {
                access_log {{folder}}/access.log;
                client_body_temp_path {{folder}}/body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
                map $http_upgrade $connection_upgrade { default upgrade; '' close; }
                upstream portals {
                    ip_hash;
            {{servers}}
                }
                server {
                    listen 127.0.0.1:{{port}};
                    client_max_body_size 0;
                    location / {
                        proxy_pass http://portals;
                        proxy_http_version 1.1;
                        proxy_set_header Upgrade $http_upgrade;
                        proxy_set_header Connection $connection_upgrade;
                        proxy_set_header Host $http_host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_set_header X-Forwarded-Proto $scheme;
                        proxy_read_timeout 1h;
                        proxy_buffering off;
                        proxy_next_upstream error timeout http_502 http_503;
                        add_header {{UpstreamHeader}} $upstream_addr always;
                    }
                }
            }
            """);
        var start = new System.Diagnostics.ProcessStartInfo("/usr/sbin/nginx", ["-p", folder, "-c", config, "-e", Path.Combine(folder, "error.log")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var proxy = new NginxProxy(System.Diagnostics.Process.Start(start)!, folder, port);
        using var probe = new HttpClient { BaseAddress = proxy.Url, Timeout = TimeSpan.FromSeconds(5) };
        await TestEnvironment.WaitUntilAsync(async () =>
        {
            if (proxy.process.HasExited) throw new InvalidOperationException($"nginx exited: {await proxy.process.StandardError.ReadToEndAsync()} {ReadQuietly(Path.Combine(folder, "error.log"))}");
            try { return (await probe.GetAsync("healthz")).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
            catch (TaskCanceledException) { return false; }
        }, TimeSpan.FromSeconds(30), "nginx answers");
        return proxy;
    }

    private static string ReadQuietly(string path) => File.Exists(path) ? File.ReadAllText(path) : "";

    public async ValueTask DisposeAsync()
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await process.WaitForExitAsync();
        process.Dispose();
        TestEnvironment.DeleteQuietly(folder);
    }
}
