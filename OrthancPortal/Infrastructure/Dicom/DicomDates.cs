using System.Globalization;

namespace OrthancPortal.Infrastructure.Dicom;

/// <summary>
/// DICOM DA (yyyyMMdd) and TM (HHmmss) values, always with the invariant culture: under a culture with another
/// calendar (ar-SA counts years in the Hijri calendar) a plain ToString("yyyyMMdd") writes a different date.
/// </summary>
public static class DicomDates
{
    public const string DateFormat = "yyyyMMdd";
    public const string TimeFormat = "HHmmss";

    public static string Date(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);
    public static string Date(DateTime time) => time.ToString(DateFormat, CultureInfo.InvariantCulture);
    public static string Time(DateTime time) => time.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Reads a DA value exactly (callers trim DICOM's padding).</summary>
    public static bool TryParseDate(string? value, out DateOnly date)
        => DateOnly.TryParseExact(value, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
