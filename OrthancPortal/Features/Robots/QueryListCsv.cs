using System.Text;
using CsvHelper;

namespace OrthancPortal.Features.Robots;

/// <summary>A problem in one line of an imported CSV file.</summary>
public sealed record CsvLineError(int Line, string Message)
{
    public override string ToString() => $"Line {Line}: {Message}";
}

public sealed record CsvImport(IReadOnlyList<QueryListRow> Rows, IReadOnlyList<CsvLineError> Errors);

/// <summary>
/// Reads and writes the robot's query list as CSV: a header with the ten column names, comma or semicolon as
/// separator (spreadsheets in German locales write semicolons), an optional UTF-8 BOM, quoted fields.
/// </summary>
public static class QueryListCsv
{
    public const int MaxRows = 20_000;

    public static async Task<CsvImport> ReadAsync(Stream stream, CancellationToken ct = default)
    {
        using var text = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        var content = await text.ReadToEndAsync(ct);
        var firstLine = content.Split('\n', 2)[0];
        var options = new CsvReaderOptions
        {
            Separator = Count(firstLine, ';') > Count(firstLine, ',') ? ';' : ',',
            HasHeader = true,
            TrimWhitespace = true,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MissingField = CsvMissingFieldHandling.ReturnEmpty,
            MalformedData = CsvMalformedDataHandling.Recover,
        };
        var rows = new List<QueryListRow>();
        var errors = new List<CsvLineError>();
        try
        {
            using var csv = CsvReader.FromText(content, options);
            await csv.ReadHeaderAsync(ct);
            var header = csv.Headers;
            if (header.Count == 0) return new CsvImport(rows, [new CsvLineError(1, "the file is empty; it needs a header line with the column names")]);
            var index = QueryListRow.Columns.Select(c => header.ToList().FindIndex(h => Normalize(h) == Normalize(c))).ToArray();
            if (index.All(i => i < 0))
            {
                return new CsvImport(rows, [new CsvLineError(1, $"no known column in the header; expected: {string.Join(", ", QueryListRow.Columns)}")]);
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
        return new CsvImport(rows, errors);
    }

    /// <summary>Writes the list with a UTF-8 BOM so spreadsheet programs detect the encoding of names like "Weiß".</summary>
    public static byte[] Write(IEnumerable<QueryListRow> rows)
    {
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, new CsvWriterOptions { WriteByteOrderMark = true }, leaveOpen: true))
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
