using System.Globalization;
using System.Text;
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

    /// <summary>
    /// How uploaded lists are read (query lists, pseudonym tables): a header line, trimmed cells, missing cells empty,
    /// and no multi-line values, so every line break ends a record and one bad quote costs one line, reported to
    /// <paramref name="onMalformed"/> with its line number.
    /// </summary>
    public static CsvReaderOptions ReaderOptions(char separator, Action<CsvMalformedRecord> onMalformed) => new()
    {
        Separator = separator,
        HasHeader = true,
        TrimWhitespace = true,
        SkipEmptyLines = true,
        TrackLineNumbers = true,
        FieldCountMismatch = CsvFieldCountHandling.Allow,
        MissingField = CsvMissingFieldHandling.ReturnEmpty,
        AllowLineBreaksInQuotes = false,
        MalformedData = CsvMalformedDataHandling.Skip,
        OnMalformedRecord = onMalformed,
    };

    /// <summary>
    /// The text of an uploaded CSV file and the name of the character set it was read in: a BOM names it; otherwise
    /// UTF-8 when it decodes as UTF-8, else Windows-1252 (what German Excel's "CSV (Trennzeichen-getrennt)" writes).
    /// </summary>
    public static (string Text, string EncodingName) Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(Encoding.UTF8.Preamble)) return (Encoding.UTF8.GetString(bytes[3..]), "UTF-8 (with BOM)");
        if (bytes.StartsWith(Encoding.Unicode.Preamble)) return (Encoding.Unicode.GetString(bytes[2..]), "UTF-16");
        if (bytes.StartsWith(Encoding.BigEndianUnicode.Preamble)) return (Encoding.BigEndianUnicode.GetString(bytes[2..]), "UTF-16");
        try
        {
            return (new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes), "UTF-8");
        }
        catch (DecoderFallbackException)
        {
            return (LegacyEncodings.For(LegacyEncodings.Windows1252).GetString(bytes), "Windows-1252");
        }
    }
}
