namespace OrthancPortal.Infrastructure.Dicom;

/// <summary>An inclusive date range; either end may be open (null).</summary>
public readonly record struct DateInterval(DateOnly? From, DateOnly? To)
{
    public static DateInterval Open { get; } = new(null, null);
    public bool IsOpen => From is null && To is null;
    public bool IsValid => From is null || To is null || From <= To;
}

/// <summary>
/// DICOM date-range matching values (PS3.4 C.2.2.2.5) as Orthanc's /tools/find takes them:
/// <c>yyyyMMdd-yyyyMMdd</c>, or with one open end <c>-yyyyMMdd</c> / <c>yyyyMMdd-</c>.
/// </summary>
public static class DicomDateRange
{
    /// <summary>The matching value for a range, or null when both ends are open (no constraint at all).</summary>
    public static string? Format(DateOnly? from, DateOnly? to)
    {
        if (from is null && to is null) return null;
        if (from > to) throw new ArgumentException($"The range starts ({from}) after it ends ({to}).", nameof(from));
        return $"{Date(from)}-{Date(to)}";
    }

    public static string? Format(DateInterval range) => Format(range.From, range.To);

    /// <summary>A single DICOM date (DA), e.g. 20240131.</summary>
    public static string Format(DateOnly date) => DicomDates.Date(date);

    /// <summary>Reads a range or a single date (a single date is a one-day range). Blank reads as an open range.</summary>
    public static bool TryParse(string? value, out DateInterval range)
    {
        range = DateInterval.Open;
        if (string.IsNullOrWhiteSpace(value)) return true;
        var parts = value.Trim().Split('-');
        if (parts.Length == 1)
        {
            if (!TryDate(parts[0], out var day)) return false;
            range = new(day, day);
            return true;
        }
        if (parts.Length != 2 || (parts[0].Length == 0 && parts[1].Length == 0)) return false;
        DateOnly? from = null, to = null;
        if (parts[0].Length > 0) { if (!TryDate(parts[0], out var f)) return false; from = f; }
        if (parts[1].Length > 0) { if (!TryDate(parts[1], out var t)) return false; to = t; }
        range = new(from, to);
        return range.IsValid;
    }

    private static string Date(DateOnly? date) => date is { } d ? Format(d) : "";

    private static bool TryDate(string text, out DateOnly date) => DicomDates.TryParseDate(text, out date);
}
