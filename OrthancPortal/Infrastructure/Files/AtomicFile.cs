using System.Text;

namespace OrthancPortal.Infrastructure.Files;

/// <summary>
/// Writes files that other programs watch (GDT, worklists, burner requests, automation output): the content
/// goes to a hidden temp name in the same folder and is renamed into place, so a reader never sees half a file.
/// </summary>
public static class AtomicFile
{
    public static async Task WriteAsync(string path, Func<Stream, Task> write, CancellationToken ct = default)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await write(stream);
                await stream.FlushAsync(ct);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Deletes the temp files that writes of <paramref name="path"/> left behind when the process was killed before
    /// their rename (only a kill leaves one: every other failure deletes its own). Call it before a write whose
    /// target name is fixed and written by one writer at a time, e.g. an export's archive in a destination folder.
    /// </summary>
    public static void DeleteLeftovers(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder)) return;
        foreach (var leftover in Directory.EnumerateFiles(folder, $".{Path.GetFileName(path)}.*.tmp")) TryDelete(leftover);
    }

    public static Task WriteAllBytesAsync(string path, byte[] bytes, CancellationToken ct = default)
        => WriteAsync(path, s => s.WriteAsync(bytes, ct).AsTask(), ct);

    public static Task WriteAllTextAsync(string path, string text, Encoding encoding, CancellationToken ct = default)
        => WriteAllBytesAsync(path, encoding.GetBytes(text), ct);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
