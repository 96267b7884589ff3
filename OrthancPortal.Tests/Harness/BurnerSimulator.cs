using System.Collections.Concurrent;

namespace OrthancPortal.Tests.Harness;

/// <summary>
/// A stand-in for Epson TDBridge / Primera PTPublisher: it watches a folder for job requests (.JDF / .JRQ), records
/// them, renames each to .INP while "burning", then to .DON, or to .ERR when <see cref="FailWhen"/> says so or a
/// cancel file (.JCF / .PTM) for it arrived. Like the real programs, it polls the folder.
/// </summary>
public sealed class BurnerSimulator : IAsyncDisposable
{
    /// <param name="DataFiles">Every file under the request's DATA folders at pick-up, relative to its folder: what the disc would hold.</param>
    public sealed record Request(string Name, string Extension, string Text, string? DatText, IReadOnlyList<string> DataFiles);

    // TD Bridge and PTBurn read their files as ANSI text (Windows-1252 on a western Windows).
    private static readonly System.Text.Encoding Ansi = OrthancPortal.Infrastructure.Text.LegacyEncodings.For(OrthancPortal.Infrastructure.Text.LegacyEncodings.Windows1252);

    private readonly string folder;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly ConcurrentDictionary<string, DateTime> burning = new();
    private readonly ConcurrentDictionary<string, bool> cancelled = new();

    public ConcurrentQueue<Request> Requests { get; } = new();
    /// <summary>Cancel files as they arrived: file name and text.</summary>
    public ConcurrentQueue<(string FileName, string Text)> CancelFiles { get; } = new();
    /// <summary>Decides from the request text whether the burn fails.</summary>
    public Func<Request, bool> FailWhen { get; set; } = _ => false;
    /// <summary>How long a disc stays in .INP.</summary>
    public TimeSpan BurnTime { get; set; } = TimeSpan.FromMilliseconds(400);
    /// <summary>While true, burns never finish (to test cancel and the in-progress state).</summary>
    public bool Hold { get; set; }
    /// <summary>While false, requests are left untouched (the disc software is "off").</summary>
    public bool PickUp { get; set; } = true;

    public BurnerSimulator(string folder)
    {
        this.folder = folder;
        loop = Task.Run(() => RunAsync(stop.Token));
    }

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { Step(); }
            catch (IOException) { }
            try { await Task.Delay(100, ct); } catch (OperationCanceledException) { return; }
        }
    }

    private void Step()
    {
        foreach (var cancel in Directory.EnumerateFiles(folder).Where(f => f.EndsWith(".JCF") || f.EndsWith(".PTM")))
        {
            var name = Path.GetFileNameWithoutExtension(cancel);
            CancelFiles.Enqueue((Path.GetFileName(cancel), File.ReadAllText(cancel, Ansi)));
            cancelled[name] = true;
            File.Delete(cancel);
        }
        if (PickUp)
        {
            foreach (var request in Directory.EnumerateFiles(folder).Where(f => f.EndsWith(".JDF") || f.EndsWith(".JRQ")))
            {
                var name = Path.GetFileNameWithoutExtension(request);
                var text = File.ReadAllText(request, Ansi);
                var datLine = text.Split("\r\n").FirstOrDefault(l => l.StartsWith("REPLACE_FIELD="));
                var dat = datLine is null ? null : File.ReadAllText(datLine["REPLACE_FIELD=".Length..], Ansi);
                var data = text.Split("\r\n")
                    .Where(l => l.StartsWith("DATA=") || l.StartsWith("Data = "))
                    .Select(l => l[(l.IndexOf('=') + 1)..].Trim())
                    .Where(Directory.Exists)
                    .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(d, f)))
                    .ToList();
                Requests.Enqueue(new Request(name, Path.GetExtension(request), text, dat, data));
                File.Move(request, Path.Combine(folder, name + ".INP"));
                burning[name] = DateTime.UtcNow;
            }
        }
        foreach (var (name, since) in burning)
        {
            var inp = Path.Combine(folder, name + ".INP");
            var isCancelled = cancelled.ContainsKey(name);
            if (!isCancelled && (Hold || DateTime.UtcNow - since < BurnTime)) continue;
            var final = isCancelled || FailWhen(Requests.First(r => r.Name == name)) ? ".ERR" : ".DON";
            File.Move(inp, Path.Combine(folder, name + final));
            burning.TryRemove(name, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
    }
}
