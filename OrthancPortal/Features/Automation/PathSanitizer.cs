using System.Text;

namespace OrthancPortal.Features.Automation;

/// <summary>
/// Makes DICOM values safe as one path segment: anything a sender controls (patient name, ids, UIDs) could
/// otherwise climb out of the output folder ("../../etc"), hide (".x"), or break the file system (NUL, "/").
/// </summary>
public static class PathSanitizer
{
    public const int MaxSegmentLength = 64;

    public static string Segment(string? value, string fallback = RuleMatcher.Missing, int maxLength = MaxSegmentLength)
    {
        var text = (value ?? "").Trim();
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' => '_',
                _ when char.IsControl(c) => '_',
                _ when char.IsSurrogate(c) => '_',
                _ => c,
            });
        }
        var result = sb.ToString();
        // ".." anywhere (not only as the whole segment) is replaced, and no segment may start with a dot.
        while (result.Contains("..", StringComparison.Ordinal)) result = result.Replace("..", "_", StringComparison.Ordinal);
        result = result.Trim(' ', '.');
        if (result.Length > maxLength) result = result[..maxLength].TrimEnd(' ', '.');
        return result.Length == 0 ? fallback : result;
    }

    /// <summary>Joins sanitized segments under <paramref name="root"/> and proves the result is still inside it.</summary>
    public static string Combine(string root, params string[] segments)
    {
        var fullRoot = Path.GetFullPath(root);
        var path = Path.GetFullPath(Path.Combine([fullRoot, .. segments]));
        EnsureInside(fullRoot, path);
        return path;
    }

    public static void EnsureInside(string root, string path)
    {
        var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(path);
        if (!full.StartsWith(fullRoot, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Refusing to write '{full}': it is outside the output folder '{fullRoot}'.");
        }
    }
}
