using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using OrthancPortal.Features.Tasks;
using Renci.SshNet;
using Renci.SshNet.Common;
using ConnectionInfo = Renci.SshNet.ConnectionInfo;

namespace OrthancPortal.Features.Export;

/// <summary>
/// SFTP through SSH.NET. The server must present the host key pinned for the destination (its SHA-256 fingerprint as
/// <c>ssh-keygen -l</c> shows it, which the admin confirms on the destinations page); without a pinned key nothing is sent.
/// The private key is read from memory and never written to a file.
/// </summary>
public sealed partial class RemoteUploader
{
    // Its texts go through RemoteUploader.cs's IStringLocalizer<RemoteUploader> L (German in RemoteUploader.de.resx).
    /// <summary>
    /// Connects only as far as the key exchange and returns the SHA-256 fingerprint of the server's host key (unpadded
    /// base64, without "SHA256:"), for the admin to compare and confirm. Nothing is trusted or sent.
    /// </summary>
    public async Task<string> FetchHostKeyAsync(string url, CancellationToken ct)
    {
        var uri = SftpUri(url);
        string? presented = null;
        var info = new ConnectionInfo(uri.Host, SftpPort(uri), "orthanc-portal", new NoneAuthenticationMethod("orthanc-portal")) { Timeout = ConnectTimeout };
        using var client = new SftpClient(info);
        client.HostKeyReceived += (_, e) => { presented = e.FingerPrintSHA256; e.CanTrust = false; };
        try { await client.ConnectAsync(ct); }
        catch (SshConnectionException) when (presented is not null) { }
        catch (Exception ex) when (ex is SshException or SocketException or IOException) { throw new TaskFailedException(DescribeSsh(ex)); }
        return presented ?? throw new TaskFailedException(L["The server sent no host key."]);
    }

    /// <summary>The fingerprint as stored: unpadded base64 of 32 bytes; "SHA256:" and padding as pasted are dropped. Null if it is not one.</summary>
    public static string? NormalizeHostKey(string? fingerprint)
    {
        var text = (fingerprint ?? "").Trim();
        if (text.StartsWith("SHA256:", StringComparison.Ordinal)) text = text["SHA256:".Length..];
        text = text.TrimEnd('=');
        return HostKeyShape().IsMatch(text) ? text : null;
    }

    private async Task SftpUploadAsync(DestinationCredentials target, string localFile, string remoteName, Func<long, Task> bytesSent, bool resume, CancellationToken ct)
    {
        using var client = await ConnectSftpAsync(target, ct);
        try
        {
            var path = await EnsureSftpFolderAsync(client, target.Destination.Url, ct) + remoteName;
            await using var source = File.OpenRead(localFile);
            long offset = 0;
            if (resume && await client.ExistsAsync(path, ct))
            {
                // A longer remote file is not a partial upload of this one: start over.
                var existing = (await client.GetAttributesAsync(path, ct)).Size;
                if (existing <= source.Length) offset = existing;
            }
            source.Seek(offset, SeekOrigin.Begin);
            await using var remote = await client.OpenAsync(path, offset > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, ct);
            var buffer = new byte[81920];
            var total = offset;
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                await remote.WriteAsync(buffer.AsMemory(0, read), ct);
                total += read;
                await bytesSent(total);
            }
        }
        catch (Exception ex) when (ex is SshException or SocketException or IOException)
        {
            throw new TaskFailedException(DescribeSsh(ex));
        }
    }

    /// <summary>Writes a small probe file (creating the folder as an upload would) and deletes it again: proves host key, login, path and write access.</summary>
    private async Task<string?> SftpProbeAsync(DestinationCredentials target, CancellationToken ct)
    {
        using var client = await ConnectSftpAsync(target, ct);
        try
        {
            var probe = await EnsureSftpFolderAsync(client, target.Destination.Url, ct) + $".orthanc-portal-test-{Guid.NewGuid():N}";
            await using (var remote = await client.OpenAsync(probe, FileMode.CreateNew, FileAccess.Write, ct))
            {
                await remote.WriteAsync("OrthancPortal destination test"u8.ToArray(), ct);
            }
            await client.DeleteFileAsync(probe, ct);
            return null;
        }
        catch (Exception ex) when (ex is SshException or SocketException or IOException)
        {
            return DescribeSsh(ex);
        }
    }

    private static async Task<SftpClient> ConnectSftpAsync(DestinationCredentials target, CancellationToken ct)
    {
        var d = target.Destination;
        var pinned = NormalizeHostKey(d.HostKeySha256)
            ?? throw new TaskFailedException(L["No host key is pinned for this destination: fetch the server's key on the destinations page and confirm it."]);
        var uri = SftpUri(d.Url);
        var user = string.IsNullOrEmpty(d.Username) ? throw new TaskFailedException(L["The destination names no user."]) : d.Username;
        var methods = new List<AuthenticationMethod>();
        if (target.PrivateKey is { Length: > 0 } key)
        {
            try { methods.Add(new PrivateKeyAuthenticationMethod(user, new PrivateKeyFile(new MemoryStream(Encoding.UTF8.GetBytes(key.ReplaceLineEndings("\n").Trim() + "\n"))))); }
            catch (Exception ex) when (ex is SshException or ArgumentException or InvalidOperationException) { throw new TaskFailedException(L["The private key cannot be read ({0}).", ex.Message]); }
        }
        if (target.Password is { Length: > 0 } password) methods.Add(new PasswordAuthenticationMethod(user, password));
        if (methods.Count == 0) throw new TaskFailedException(L["The destination has neither a password nor a private key."]);

        string? presented = null;
        var client = new SftpClient(new ConnectionInfo(uri.Host, SftpPort(uri), user, [.. methods]) { Timeout = ConnectTimeout });
        client.HostKeyReceived += (_, e) =>
        {
            presented = e.FingerPrintSHA256;
            e.CanTrust = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(presented), Encoding.ASCII.GetBytes(pinned));
        };
        try
        {
            await client.ConnectAsync(ct);
            return client;
        }
        catch (Exception ex) when (ex is SshException or SocketException or IOException)
        {
            client.Dispose();
            if (presented is not null && presented != pinned)
            {
                throw new TaskFailedException(L["The server's host key is not the pinned one: it presents SHA256:{0}, the destination trusts SHA256:{1}. Nothing was sent. If the server was re-keyed, confirm its new key on the destinations page; otherwise the connection may be intercepted.", presented, pinned]);
            }
            throw new TaskFailedException(DescribeSsh(ex));
        }
    }

    /// <summary>Creates each missing folder of the URL's path; returns the path with a trailing slash.</summary>
    private static async Task<string> EnsureSftpFolderAsync(SftpClient client, string url, CancellationToken ct)
    {
        var current = "/";
        foreach (var segment in Uri.UnescapeDataString(FolderUri(url).AbsolutePath).Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current += segment;
            if (!await client.ExistsAsync(current, ct)) await client.CreateDirectoryAsync(current, ct);
            current += "/";
        }
        return current;
    }

    private static Uri SftpUri(string url)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == "sftp" ? uri : throw new TaskFailedException(L["'{0}' is not an sftp:// URL.", url]);

    private static int SftpPort(Uri uri) => uri.IsDefaultPort || uri.Port <= 0 ? 22 : uri.Port;

    private static string DescribeSsh(Exception ex) => ex switch
    {
        SshAuthenticationException => L["The server refused the user name, password or key."],
        SshOperationTimeoutException => L["The server did not answer in time."],
        SftpPermissionDeniedException => L["The server refused access to the folder ({0}).", ex.Message],
        SftpPathNotFoundException => L["The folder or file does not exist on the server ({0}).", ex.Message],
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } => L["The host name could not be resolved."],
        SocketException { SocketErrorCode: SocketError.TimedOut } => L["The server did not answer in time."],
        SocketException => L["Could not connect: nothing listens there, or a firewall blocks it."],
        SshConnectionException => L["The SSH session failed ({0}).", ex.Message],
        _ => L["SFTP failed: {0}", ex.Message],
    };

    [GeneratedRegex("^[A-Za-z0-9+/]{43}$")]
    private static partial Regex HostKeyShape();
}
