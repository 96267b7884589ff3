using System.Text;
using CsvHelper;
using OrthancPortal.Infrastructure.Text;

namespace OrthancPortal.Features.Robots;

/// <summary>A problem in one line of an imported CSV file.</summary>
public sealed record CsvLineError(int Line, string Message)
{
    public override string ToString() => $"Line {Line}: {Message}";
}

/// <summary>The rows read, the lines that could not be, and the character set the file was read in (for the page to say).</summary>
public sealed record CsvImport(IReadOnlyList<QueryListRow> Rows, IReadOnlyList<CsvLineError> Errors, string EncodingName = "UTF-8");

/// <summary>
/// Reads and writes the robot's query list as CSV: a header with the ten column names, comma or semicolon as
/// separator (spreadsheets in German locales write semicolons), quoted fields on one line. The character set is
/// detected: a BOM names it; otherwise the file is UTF-8 when it decodes as UTF-8, else Windows-1252 (what German
/// Excel's "CSV (Trennzeichen-getrennt)" writes). A line with broken quoting is an error with its line number,
/// never a row.
/// </summary>
public static class QueryListCsv
{
    public const int MaxRows = 20_000;

    public static async Task<CsvImport> ReadAsync(Stream stream, CancellationToken ct = default)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        var (content, encodingName) = Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        var firstLine = content.Split('\n', 2)[0];
        var rows = new List<QueryListRow>();
        var errors = new List<CsvLineError>();
        var options = CsvFormat.ReaderOptions(Count(firstLine, ';') > Count(firstLine, ',') ? ';' : ',',
            bad => errors.Add(new CsvLineError((int)bad.LineNumber, Describe(bad.Reason))));
        try
        {
            using var csv = CsvReader.FromText(content, options);
            await csv.ReadHeaderAsync(ct);
            var header = csv.Headers;
            if (header.Count == 0) return new CsvImport(rows, [new CsvLineError(1, "the file is empty; it needs a header line with the column names")], encodingName);
            var index = QueryListRow.Columns.Select(c => header.ToList().FindIndex(h => Normalize(h) == Normalize(c))).ToArray();
            if (index.All(i => i < 0))
            {
                return new CsvImport(rows, [new CsvLineError(1, $"no known column in the header; expected: {string.Join(", ", QueryListRow.Columns)}")], encodingName);
            }
            while (await csv.ReadAsync(ct))
            {
                var line = (int)csv.LineNumber;
                if (rows.Count >= MaxRows)
                {
                    errors.Add(new CsvLineError(line, $"more than {MaxRows} rows; the rest was not read"));
                    break;
                }
                var record = Enumerable.Range(0, csv.FieldCount).Select(i => csv[i].ToString()).ToList();
                if (record.All(string.IsNullOrWhiteSpace)) continue;
                if (record.Count > header.Count)
                {
                    errors.Add(new CsvLineError(line, $"{record.Count} fields but the header has {header.Count} (a separator inside an unquoted field?)"));
                    continue;
                }
                var row = QueryListRow.FromValues(index.Select(i => i >= 0 && i < record.Count ? record[i] : "").ToList());
                var (_, error) = row.ToCriteria();
                if (error is not null) errors.Add(new CsvLineError(line, error));
                else rows.Add(row);
            }
        }
        catch (CsvFormatException ex)
        {
            errors.Add(new CsvLineError(0, $"the file is not valid CSV: {ex.Message}"));
        }
        return new CsvImport(rows, errors.OrderBy(e => e.Line).ToList(), encodingName);
    }

    /// <summary>The text of the file and the name of the character set it was read in.</summary>
    public static (string Text, string EncodingName) Decode(ReadOnlySpan<byte> bytes) => CsvFormat.Decode(bytes);

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.UnterminatedQuote or CsvMalformedReason.LineBreakInQuotes => "a quoted field is not closed on this line (a \" is missing); the line was not imported",
        CsvMalformedReason.StrayQuote => "a quote inside an unquoted field; quote the whole field (\"...\") and double the quotes in it",
        CsvMalformedReason.TextAfterClosingQuote => "text after the closing quote of a field; the line was not imported",
        _ => "the line is not valid CSV and was not imported",
    };

    /// <summary>
    /// Writes the list with a UTF-8 BOM so spreadsheet programs detect the encoding of names like "Weiß", separated as the
    /// culture's spreadsheet expects (';' in German); <see cref="ReadAsync"/> detects either separator.
    /// </summary>
    public static byte[] Write(IEnumerable<QueryListRow> rows, System.Globalization.CultureInfo? culture = null)
    {
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, CsvFormat.WriterOptions(culture ?? System.Globalization.CultureInfo.InvariantCulture), leaveOpen: true))
        {
            csv.WriteHeader(QueryListRow.Columns);
            foreach (var row in rows) csv.WriteRecord(row.Values().ToArray());
        }
        return buffer.ToArray();
    }

    private static string Normalize(string header) => new(header.Where(char.IsLetter).Select(char.ToLowerInvariant).ToArray());

    private static int Count(string line, char c)
    {
        var inQuotes = false;
        var n = 0;
        foreach (var ch in line)
        {
            if (ch == '"') inQuotes = !inQuotes;
            else if (ch == c && !inQuotes) n++;
        }
        return n;
    }
}
