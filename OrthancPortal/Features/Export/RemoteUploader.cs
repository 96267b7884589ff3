using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Infrastructure.Files;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Export;

/// <summary>
/// Puts one file on a destination: WebDAV over HttpClient (MKCOL + PUT), SFTP through SSH.NET with a pinned host key
/// (RemoteUploader.Sftp.cs), FTP/FTPS through Debian's curl (which resumes a partial upload with -C -), or a
/// local/mounted folder (temp name + rename). SFTP and FTP resume a partial upload on request.
/// Failures are <see cref="TaskFailedException"/> with a reason a person can act on.
/// </summary>
public sealed partial class RemoteUploader(WorkFolders work, ILogger<RemoteUploader> logger)
{
    // Static: most reasons are made in static helpers. Looked up in the current UI culture, which a task sets to its
    // starter's language (PortalCultures.RunInAsync), so a stored failure reads in that user's language.
    private static readonly IStringLocalizer<RemoteUploader> L = PortalText.For<RemoteUploader>();

    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    /// <param name="resume">Continue a partial upload of this same file (SFTP/FTP); otherwise the remote file is replaced.</param>
    public async Task UploadAsync(DestinationCredentials target, string localFile, string remoteName, Func<long, Task> bytesSent, CancellationToken ct, bool resume = false)
    {
        switch (target.Destination.Kind)
        {
            case DestinationKind.WebDav: await WebDavPutAsync(target, localFile, remoteName, bytesSent, ct); break;
            case DestinationKind.Folder: await FolderCopyAsync(target, localFile, remoteName, bytesSent, ct); break;
            case DestinationKind.Sftp: await SftpUploadAsync(target, localFile, remoteName, bytesSent, resume, ct); break;
            default: await CurlUploadAsync(target, localFile, remoteName, bytesSent, resume, ct); break;
        }
    }

    /// <summary>Checks login and folder access without sending data. Returns null when all is well, else the reason.</summary>
    public async Task<string?> TestAsync(DestinationCredentials target, CancellationToken ct)
    {
        try
        {
            switch (target.Destination.Kind)
            {
                case DestinationKind.Folder:
                    var folder = target.Destination.Url;
                    if (!Directory.Exists(folder)) return L["The folder '{0}' does not exist or is not mounted.", folder];
                    var probe = Path.Combine(folder, $".orthanc-portal-test-{Guid.NewGuid():N}");
                    await File.WriteAllTextAsync(probe, "test", ct);
                    File.Delete(probe);
                    return null;
                case DestinationKind.WebDav:
                    using (var http = NewHttpClient(target))
                    {
                        // Creating the folder is part of what an upload does, so the test does it too.
                        var folderUri = FolderUri(target.Destination.Url);
                        await EnsureCollectionsAsync(http, folderUri, ct);
                        using var request = new HttpRequestMessage(new HttpMethod("PROPFIND"), folderUri);
                        request.Headers.Add("Depth", "0");
                        using var response = await http.SendAsync(request, ct);
                        return response.IsSuccessStatusCode ? null : DescribeHttp(response.StatusCode, L["reading the folder"]);
                    }
                case DestinationKind.Sftp:
                    return await SftpProbeAsync(target, ct);
                default:
                    return await CurlProbeAsync(target, ct);
            }
        }
        catch (TaskFailedException ex) { return ex.Message; }
        catch (HttpRequestException ex) { return L["Cannot reach {0}: {1}", target.Destination.Url, ex.Message]; }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return L["{0} did not answer within {1:0} s.", target.Destination.Url, ConnectTimeout.TotalSeconds]; }
        catch (IOException ex) { return ex.Message; }
        catch (UnauthorizedAccessException ex) { return L["No permission to write: {0}", ex.Message]; }
    }

    /// <summary>Writes a small probe file (creating the folder as an upload would) and deletes it again: proves login, path and write access.</summary>
    private async Task<string?> CurlProbeAsync(DestinationCredentials target, CancellationToken ct)
    {
        var probeName = $".orthanc-portal-test-{Guid.NewGuid():N}";
        var probe = Path.Combine(await work.GetAsync("export-temp", ct), probeName);
        await File.WriteAllTextAsync(probe, "OrthancPortal destination test", ct);
        try
        {
            var folder = FolderUri(target.Destination.Url);
            // After the upload, delete the probe (a name in the current folder).
            var (code, error) = await RunCurlAsync(target, ["--ftp-create-dirs", "-T", probe, "-Q", $"-DELE {probeName}", new Uri(folder, probeName).ToString()], null, ct);
            return code == 0 ? null : DescribeCurl(code, error);
        }
        finally
        {
            File.Delete(probe);
        }
    }

    // ----- WebDAV -----

    private async Task WebDavPutAsync(DestinationCredentials target, string localFile, string remoteName, Func<long, Task> bytesSent, CancellationToken ct)
    {
        using var http = NewHttpClient(target);
        var folder = FolderUri(target.Destination.Url);
        await EnsureCollectionsAsync(http, folder, ct);
        await using var file = File.OpenRead(localFile);
        var content = new ProgressStreamContent(file, bytesSent);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        using var response = await http.PutAsync(new Uri(folder, Uri.EscapeDataString(remoteName)), content, ct);
        if (!response.IsSuccessStatusCode) throw new TaskFailedException(DescribeHttp(response.StatusCode, L["uploading the file"]));
    }

    /// <summary>MKCOL each folder of the path that does not exist yet (405 means it exists).</summary>
    private static async Task EnsureCollectionsAsync(HttpClient http, Uri folder, CancellationToken ct)
    {
        var segments = folder.AbsolutePath.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var path = "/";
        foreach (var segment in segments)
        {
            path += segment + "/";
            using var request = new HttpRequestMessage(new HttpMethod("MKCOL"), new Uri(folder, path));
            using var response = await http.SendAsync(request, ct);
            if (response.IsSuccessStatusCode || response.StatusCode is HttpStatusCode.MethodNotAllowed) continue;
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) throw new TaskFailedException(DescribeHttp(response.StatusCode, L["creating {0}", path]));
        }
    }

    private static HttpClient NewHttpClient(DestinationCredentials target)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = ConnectTimeout };
        if (target.Destination.AllowInvalidCertificate) handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        // Uploads may take long; a stalled transfer is cut by the task's cancellation, connecting by ConnectTimeout.
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        if (target.Destination.Username is { } user)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{target.Password}")));
        }
        return http;
    }

    private static string DescribeHttp(HttpStatusCode status, string what) => status switch
    {
        HttpStatusCode.Unauthorized => L["The server refused the user name or password while {0} (401).", what],
        HttpStatusCode.Forbidden => L["The user may not write there ({0}: 403).", what],
        HttpStatusCode.NotFound => L["The folder does not exist on the server ({0}: 404).", what],
        HttpStatusCode.Conflict => L["A parent folder is missing on the server ({0}: 409).", what],
        HttpStatusCode.InsufficientStorage => L["The server is out of space ({0}: 507).", what],
        _ => L["The server answered {0} {1} while {2}.", (int)status, status, what],
    };

    // ----- folder -----

    private static async Task FolderCopyAsync(DestinationCredentials target, string localFile, string remoteName, Func<long, Task> bytesSent, CancellationToken ct)
    {
        var folder = target.Destination.Url;
        if (!Directory.Exists(folder)) throw new TaskFailedException(L["The folder '{0}' does not exist or is not mounted.", folder]);
        // A portal killed during an earlier attempt's copy left its temp file; this attempt replaces it.
        AtomicFile.DeleteLeftovers(Path.Combine(folder, remoteName));
        await using var source = File.OpenRead(localFile);
        await AtomicFile.WriteAsync(Path.Combine(folder, remoteName), async output =>
        {
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                await output.WriteAsync(buffer.AsMemory(0, read), ct);
                total += read;
                await bytesSent(total);
            }
        }, ct);
    }

    // ----- FTP / FTPS through curl -----

    private async Task CurlUploadAsync(DestinationCredentials target, string localFile, string remoteName, Func<long, Task> bytesSent, bool resume, CancellationToken ct)
    {
        var size = new FileInfo(localFile).Length;
        var url = new Uri(FolderUri(target.Destination.Url), Uri.EscapeDataString(remoteName)).ToString();
        // -C - continues a partial upload of the same file from a previous attempt.
        string[] args = resume ? ["--ftp-create-dirs", "-C", "-", "-T", localFile, url] : ["--ftp-create-dirs", "-T", localFile, url];
        var (code, error) = await RunCurlAsync(target, args, line =>
        {
            var m = ProgressLine().Match(line);
            return m.Success ? bytesSent((long)(size * int.Parse(m.Groups["up"].Value) / 100.0)) : Task.CompletedTask;
        }, ct);
        if (code != 0) throw new TaskFailedException(DescribeCurl(code, error));
        await bytesSent(size);
    }

    /// <summary>Runs curl with the secrets in a config read from stdin (never on the command line, where `ps` would show them).</summary>
    private async Task<(int Code, string Error)> RunCurlAsync(DestinationCredentials target, IReadOnlyList<string> args, Func<string, Task>? onProgress, CancellationToken ct)
    {
        var d = target.Destination;
        var start = new ProcessStartInfo("curl") { RedirectStandardError = true, RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "--disable", "-K", "-", "--connect-timeout", ConnectTimeout.TotalSeconds.ToString("0"), "--speed-limit", "1", "--speed-time", "120", "--show-error" }) start.ArgumentList.Add(a);
        if (d.Kind == DestinationKind.Ftps) start.ArgumentList.Add("--ssl-reqd");
        if (d.AllowInvalidCertificate) start.ArgumentList.Add("--insecure");
        foreach (var a in args) start.ArgumentList.Add(a);

        using var process = Process.Start(start) ?? throw new TaskFailedException(L["curl could not be started. Is Debian's curl installed?"]);
        using var kill = ct.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } });
        var config = new StringBuilder();
        if (d.Username is { } user) config.Append("user = \"").Append(Escape(user)).Append(':').Append(Escape(target.Password ?? "")).Append("\"\n");
        await process.StandardInput.WriteAsync(config.ToString());
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var error = await ReadProgressAsync(process.StandardError, onProgress);
        await process.WaitForExitAsync(ct);
        await stdout;
        ct.ThrowIfCancellationRequested();
        if (process.ExitCode != 0) logger.LogWarning("curl to {Url} exited {Code}: {Error}", d.Url, process.ExitCode, error);
        return (process.ExitCode, error);
    }

    /// <summary>curl's progress meter rewrites one line with carriage returns; pass each state on and keep the real error lines.</summary>
    private static async Task<string> ReadProgressAsync(StreamReader stderr, Func<string, Task>? onProgress)
    {
        var errors = new StringBuilder();
        var line = new StringBuilder();
        var buffer = new char[1024];
        int n;
        while ((n = await stderr.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < n; i++)
            {
                if (buffer[i] is not ('\r' or '\n')) { line.Append(buffer[i]); continue; }
                var text = line.ToString();
                line.Clear();
                if (text.StartsWith("curl:", StringComparison.Ordinal)) errors.AppendLine(text);
                else if (onProgress is not null && text.Length > 0) await onProgress(text);
            }
        }
        if (line.ToString().StartsWith("curl:", StringComparison.Ordinal)) errors.AppendLine(line.ToString());
        return errors.ToString().Trim();
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"");

    /// <summary>Curl exit codes turned into reasons (see `man curl`, EXIT CODES).</summary>
    public static string DescribeCurl(int code, string error)
    {
        var reason = code switch
        {
            6 => L["The host name could not be resolved."],
            7 => L["Could not connect: nothing listens there, or a firewall blocks it."],
            9 => L["The server refused access to the folder."],
            28 => L["The server did not answer in time."],
            35 => L["The TLS handshake failed."],
            51 or 60 => L["The server's certificate is not valid or not the one expected."],
            55 => L["The connection broke while sending."],
            64 => L["The server does not offer the required encryption (FTPS)."],
            67 => L["The server refused the user name or password."],
            78 => L["The folder or file does not exist on the server."],
            _ => L["curl failed with exit code {0}.", code],
        };
        return string.IsNullOrEmpty(error) ? reason : $"{reason} ({error.Replace("curl: ", "")})";
    }

    private static Uri FolderUri(string url) => new(url.EndsWith('/') ? url : url + "/");

    // Default meter columns: %total, total, %received, received, %xferd, xferd, ...; uploads count in "% Xferd".
    [GeneratedRegex(@"^\s*\d+\s+\S+\s+\d+\s+\S+\s+(?<up>\d+)\s+\S+")]
    private static partial Regex ProgressLine();

    /// <summary>Streams a file as the request body and reports the bytes sent.</summary>
    private sealed class ProgressStreamContent(Stream source, Func<long, Task> bytesSent) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken ct)
        {
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read), ct);
                total += read;
                await bytesSent(total);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = source.Length;
            return true;
        }
    }
}
