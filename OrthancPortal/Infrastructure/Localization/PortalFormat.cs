using System.Globalization;
using OrthancPortal.Infrastructure.Dicom;
using OrthancPortal.Infrastructure.Text;
using OrthancPortal.Infrastructure.Time;

namespace OrthancPortal.Infrastructure.Localization;

/// <summary>
/// The one way pages show dates, times, DICOM values and sizes: in the user's culture (de-DE: 01.12.2026 14:05) and the
/// portal's time zone, DICOM person names as "Last, First". Inject it into components (<c>@inject PortalFormat F</c>);
/// the DICOM helpers are static for code without a time zone.
/// </summary>
public sealed class PortalFormat(TimeProvider clock)
{
    private static CultureInfo Culture => CultureInfo.CurrentCulture;

    /// <summary>A UTC time from the database (unspecified kind = UTC) as the local date.</summary>
    public string Date(DateTime utc) => clock.ToLocal(utc).ToString("d", Culture);

    /// <summary>A UTC time from the database as local date and time, to the minute.</summary>
    public string DateTime(DateTime utc) => clock.ToLocal(utc).ToString("g", Culture);

    public string DateTime(DateTimeOffset time) => clock.ToLocal(time).ToString("g", Culture);

    public string? DateTime(DateTime? utc) => utc is { } value ? DateTime(value) : null;

    /// <summary>A time that is already local wall-clock time (a worklist's scheduled time as typed), to the minute.</summary>
    public string LocalDateTime(DateTime local) => local.ToString("g", Culture);

    /// <summary>Local date and time with seconds (logs, audit entries).</summary>
    public string Timestamp(DateTime utc) => clock.ToLocal(utc).ToString("G", Culture);

    public string Date(DateOnly date) => date.ToString("d", Culture);

    /// <summary>A DICOM DA value (20240302) as a date of the culture; anything that is not a date is shown as it is.</summary>
    public static string DicomDate(string? da)
    {
        var value = da?.Trim() ?? "";
        return DicomDates.TryParseDate(value, out var date) ? date.ToString("d", Culture) : value;
    }

    /// <summary>A DICOM TM value (143005, 1430, 143005.123) as a time of the culture; anything else as it is.</summary>
    public static string DicomTime(string? tm)
    {
        var value = tm?.Trim() ?? "";
        var digits = value.Split('.')[0];
        if (digits.Length is not (2 or 4 or 6) || !digits.All(char.IsAsciiDigit)) return value;
        var padded = digits.PadRight(6, '0');
        if (!TimeOnly.TryParseExact(padded, DicomDates.TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)) return value;
        return time.ToString(digits.Length == 6 ? "T" : "t", Culture);
    }

    /// <summary>
    /// A DICOM PN value as people write it: "Müller^Jürgen^Karl^Dr." → "Müller, Dr. Jürgen Karl". Only the first
    /// (alphabetic) component group is shown; ideographic and phonetic groups after '=' are left out.
    /// </summary>
    public static string PersonName(string? pn)
    {
        var alphabetic = (pn ?? "").Split('=')[0];
        var parts = alphabetic.Split('^').Select(p => p.Trim()).ToArray();
        string Part(int i) => i < parts.Length ? parts[i] : "";
        var given = string.Join(' ', new[] { Part(3), Part(1), Part(2) }.Where(p => p.Length > 0));
        var family = Part(0);
        var name = family.Length > 0 && given.Length > 0 ? $"{family}, {given}" : family + given;
        return Part(4).Length > 0 ? $"{name}, {Part(4)}" : name;
    }

    public static string Bytes(long bytes) => ByteSize.Format(bytes);

    public static string Number(long value) => value.ToString("N0", Culture);
}
