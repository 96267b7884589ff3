using System.Text.RegularExpressions;

namespace OrthancPortal.Benchmarks;

/// <summary>
/// Where a process's resident memory is, from /proc/&lt;pid&gt;/smaps: each mapping's Rss summed by what it maps
/// (anonymous memory, the JIT's code, each group of mapped assemblies and native libraries), so the benchmark can
/// explain its RSS figure at every run instead of printing one number.
/// </summary>
public static partial class ProcessMemory
{
    /// <summary>One category's resident kB, and how much of it is private anonymous (dirty, not backed by a file).</summary>
    public sealed record Category(string Name, long RssKb, long AnonymousKb);

    public static IReadOnlyList<Category> Breakdown(int pid)
    {
        var totals = new Dictionary<string, (long Rss, long Anon)>();
        var current = "anonymous";
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            if (MappingHeader().Match(line) is { Success: true } header)
            {
                current = Classify(header.Groups["path"].Value.Trim());
                continue;
            }
            if (line.StartsWith("Rss:", StringComparison.Ordinal)) Add(current, Kb(line), 0);
            else if (line.StartsWith("Anonymous:", StringComparison.Ordinal)) Add(current, 0, Kb(line));
        }
        return totals.Select(t => new Category(t.Key, t.Value.Rss, t.Value.Anon)).OrderByDescending(c => c.RssKb).ToList();

        void Add(string name, long rss, long anon)
        {
            var (r, a) = totals.GetValueOrDefault(name);
            totals[name] = (r + rss, a + anon);
        }
    }

    /// <summary>"Top categories" as one table: name, RSS MB, of it anonymous MB.</summary>
    public static void Print(int pid, string title, int top = 14)
    {
        var categories = Breakdown(pid);
        var total = categories.Sum(c => c.RssKb);
        Console.WriteLine($"{title}: RSS {total / 1024.0:N1} MB, of it anonymous (private, not file-backed) {categories.Sum(c => c.AnonymousKb) / 1024.0:N1} MB");
        Console.WriteLine("| where (smaps) | RSS MB | of it anonymous MB |");
        Console.WriteLine("|---|---|---|");
        foreach (var c in categories.Take(top)) Console.WriteLine($"| {c.Name} | {c.RssKb / 1024.0:N1} | {c.AnonymousKb / 1024.0:N1} |");
        var rest = categories.Skip(top).ToList();
        if (rest.Count > 0) Console.WriteLine($"| {rest.Count} more | {rest.Sum(c => c.RssKb) / 1024.0:N1} | {rest.Sum(c => c.AnonymousKb) / 1024.0:N1} |");
    }

    private static long Kb(string line) => long.Parse(Number().Match(line).Value);

    /// <summary>Groups a mapping's path into a category a reader can act on.</summary>
    public static string Classify(string path)
    {
        if (path.Length == 0) return "anonymous (GC heap, native allocations, stacks)";
        if (path.Contains("doublemapper", StringComparison.Ordinal)) return "JIT code and stubs (memfd doublemapper)";
        if (path.StartsWith('[')) return path switch
        {
            "[heap]" => "native heap (brk)",
            "[stack]" => "main thread stack",
            _ => path,
        };
        var file = Path.GetFileName(path.Replace(" (deleted)", ""));
        return file switch
        {
            _ when file.StartsWith("libicu", StringComparison.Ordinal) => "ICU (libicu*)",
            "libcoreclr.so" => "libcoreclr.so",
            "libclrjit.so" => "libclrjit.so",
            "System.Private.CoreLib.dll" => "System.Private.CoreLib.dll",
            _ when file.StartsWith("libe_sqlite3", StringComparison.Ordinal) => "SQLite (libe_sqlite3.so)",
            _ when file.StartsWith("OrthancPortal", StringComparison.Ordinal) => "the portal (OrthancPortal*.dll)",
            _ when file.StartsWith("MudBlazor", StringComparison.Ordinal) => "MudBlazor.dll",
            _ when file.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) => "EF Core (Microsoft.EntityFrameworkCore*.dll)",
            _ when file.StartsWith("Npgsql", StringComparison.Ordinal) => "Npgsql*.dll",
            _ when file.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) => "ASP.NET Core (Microsoft.AspNetCore*.dll)",
            _ when file.StartsWith("Microsoft.Extensions", StringComparison.Ordinal) => "Microsoft.Extensions*.dll",
            _ when file.StartsWith("System.", StringComparison.Ordinal) && file.EndsWith(".dll", StringComparison.Ordinal) => "other framework (System.*.dll)",
            _ when file.EndsWith(".so", StringComparison.Ordinal) || file.Contains(".so.", StringComparison.Ordinal) => "other native libraries (*.so)",
            _ when file.EndsWith(".dll", StringComparison.Ordinal) => "other assemblies (*.dll)",
            _ => "other files",
        };
    }

    [GeneratedRegex(@"^[0-9a-f]+-[0-9a-f]+ \S{4} [0-9a-f]+ \S+ \d+\s*(?<path>.*)$")]
    private static partial Regex MappingHeader();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Number();
}
