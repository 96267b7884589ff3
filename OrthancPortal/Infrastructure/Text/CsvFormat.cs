using System.Globalization;
using CsvHelper;

namespace OrthancPortal.Infrastructure.Text;

/// <summary>
/// CSV files for the user's spreadsheet program: the culture's list separator (German Excel splits columns on ';',
/// English on ',') and a UTF-8 byte order mark, so "Weiß" and "Müller" open right. Cells still go through
/// <see cref="CsvCells.Neutralize"/>.
/// </summary>
public static class CsvFormat
{
    public static char Separator(CultureInfo culture) => culture.TextInfo.ListSeparator is { Length: 1 } s ? s[0] : ',';

    public static CsvWriterOptions WriterOptions(CultureInfo culture)
        => new() { Separator = Separator(culture), WriteByteOrderMark = true };
}
