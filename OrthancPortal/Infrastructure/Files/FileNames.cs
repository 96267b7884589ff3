using System.Globalization;
using System.Text;

namespace OrthancPortal.Infrastructure.Files;

/// <summary>
/// File names made from values a sender controls (DICOM tags, project names): downloads, exports, GDT files.
/// Only ASCII letters, digits, '-', '_' and '.' survive, so the name is never a path ("../", "/", "\"), never hidden
/// or special (leading dot, ".."), and means the same in a Content-Disposition header and on every file system.
/// Accented letters keep their base letter (Müller -> Muller); anything else becomes '_'.
/// </summary>
public static class FileNames
{
    public const int MaxLength = 80;

    public static string Safe(string? value, string fallback, int maxLength = MaxLength)
    {
        var sb = new StringBuilder();
        foreach (var c in (value ?? "").Trim().Normalize(NormalizationForm.FormKD))
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') sb.Append(c);
            else if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark) continue;
            else sb.Append('_');
        }
        var name = sb.ToString();
        while (name.Contains("..", StringComparison.Ordinal)) name = name.Replace("..", "_", StringComparison.Ordinal);
        name = name.Trim('.', '_');
        if (name.Length > maxLength) name = name[..maxLength].TrimEnd('.', '_');
        return name.Length == 0 ? fallback : name;
    }
}
