namespace OrthancPortal.Infrastructure.Text;

/// <summary>
/// CSV cells a spreadsheet could run as a formula (OWASP "CSV Injection"): a value starting with '=', '+', '-',
/// '@', a tab or a carriage return gets a leading apostrophe, so it is shown as text. Every CSV the portal writes
/// from user or DICOM values passes its cells through here.
/// </summary>
public static class CsvCells
{
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    public static string Neutralize(string value) => value.Length > 0 && Array.IndexOf(FormulaStarts, value[0]) >= 0 ? "'" + value : value;

    public static string? NeutralizeOrNull(string? value) => value is null ? null : Neutralize(value);

    /// <summary>The value as it was before <see cref="Neutralize"/>, for reading back a file the portal wrote.</summary>
    public static string Restore(string value) => value.Length > 1 && value[0] == '\'' && Array.IndexOf(FormulaStarts, value[1]) >= 0 ? value[1..] : value;
}
