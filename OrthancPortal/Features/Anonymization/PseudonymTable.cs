using System.Globalization;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Text;

namespace OrthancPortal.Features.Anonymization;

/// <summary>What is wrong with one line of an imported pseudonym table (the page says it in the user's language).</summary>
public enum PseudonymImportProblem
{
    NotCsv, MissingColumns, TooManyRows, NoPseudonym, NoOriginalId, TooLong, BadDateShift, DuplicateInFile, OriginalHasAnotherPseudonym, PseudonymTaken,
}

/// <param name="Line">1-based line in the file (0: the whole file).</param>
/// <param name="Value">The value the problem is about, if one.</param>
public sealed record PseudonymImportError(int Line, PseudonymImportProblem Problem, string? Value = null);

/// <summary>An import either adds every new row or, when any line is wrong, nothing.</summary>
public sealed record PseudonymImportResult(int Added, int Unchanged, IReadOnlyList<PseudonymImportError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>The reverse map a page at a time, and importing a table made elsewhere (an earlier study's key list).</summary>
public sealed partial class PseudonymService
{
    public const int MaxImportRows = 100_000;

    /// <summary>
    /// One page of the reverse map, searched, sorted and paged in the database. Callers must hold ViewPseudonymMap;
    /// each look is audited with the rows it showed.
    /// </summary>
    public async Task<(IReadOnlyList<PseudonymMapRow> Rows, int Total)> ReverseMapPageAsync(string projectName, Actor actor, string? search, string? sortBy, bool descending,
        int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = await db.Set<PseudonymProject>().AsNoTracking().FirstOrDefaultAsync(p => p.Name == projectName, ct)
            ?? throw new InvalidOperationException($"The pseudonym project '{projectName}' does not exist.");
        var q = db.Set<PseudonymEntry>().AsNoTracking().Where(e => e.ProjectId == project.Id);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            q = q.Where(e => e.Pseudonym.Contains(term) || e.OriginalPatientId.Contains(term));
        }
        var total = await q.CountAsync(ct);
        q = (sortBy, descending) switch
        {
            (nameof(PseudonymMapRow.Pseudonym), false) => q.OrderBy(e => e.Pseudonym),
            (nameof(PseudonymMapRow.Pseudonym), true) => q.OrderByDescending(e => e.Pseudonym),
            (nameof(PseudonymMapRow.OriginalPatientId), false) => q.OrderBy(e => e.OriginalPatientId),
            (nameof(PseudonymMapRow.OriginalPatientId), true) => q.OrderByDescending(e => e.OriginalPatientId),
            (nameof(PseudonymMapRow.DateShiftDays), false) => q.OrderBy(e => e.DateShiftDays).ThenBy(e => e.Id),
            (nameof(PseudonymMapRow.DateShiftDays), true) => q.OrderByDescending(e => e.DateShiftDays).ThenByDescending(e => e.Id),
            (_, true) => q.OrderByDescending(e => e.Id),
            _ => q.OrderBy(e => e.Id),
        };
        var rows = await q.Skip(Math.Max(skip, 0)).Take(Math.Clamp(take, 1, 500))
            .Select(e => new PseudonymMapRow(e.OriginalPatientId, e.Pseudonym, e.DateShiftDays, e.CreatedAt)).ToListAsync(ct);
        await audit.WriteAsync(actor, "pseudonyms.view", projectName,
            $"rows {(rows.Count == 0 ? 0 : skip + 1)}-{skip + rows.Count} of {total}{(string.IsNullOrWhiteSpace(search) ? "" : $", search '{search.Trim()}'")}", ct: ct);
        return (rows, total);
    }

    /// <summary>
    /// Adds the rows of a CSV table (the columns the export writes: Pseudonym, OriginalPatientID, optional DateShiftDays;
    /// others are ignored) to a project. The separator is the culture's, or the other of ';' and ',' when the header
    /// has only that; the character set is detected. A row already in the table is left as it is; any row that
    /// contradicts the table or another row fails the whole import, so a table is never half imported. Audited.
    /// </summary>
    public async Task<PseudonymImportResult> ImportCsvAsync(string projectName, Stream file, CultureInfo culture, Actor actor, CancellationToken ct = default)
    {
        var (rows, errors) = await ReadTableAsync(file, culture, ct);
        // A file without the columns, or not CSV at all, has nothing to compare with the table.
        if (errors.Any(e => e.Problem == PseudonymImportProblem.MissingColumns || e.Line == 0)) return new PseudonymImportResult(0, 0, errors);

        await Gate.WaitAsync(ct);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var project = await db.Set<PseudonymProject>().AsNoTracking().FirstOrDefaultAsync(p => p.Name == projectName, ct)
                ?? throw new InvalidOperationException($"The pseudonym project '{projectName}' does not exist.");
            var existing = await db.Set<PseudonymEntry>().AsNoTracking().Where(e => e.ProjectId == project.Id)
                .Select(e => new { e.OriginalPatientId, e.Pseudonym }).ToListAsync(ct);
            var byOriginal = existing.ToDictionary(e => e.OriginalPatientId, e => e.Pseudonym, StringComparer.Ordinal);
            var byPseudonym = existing.ToDictionary(e => e.Pseudonym, e => e.OriginalPatientId, StringComparer.Ordinal);
            var now = clock.GetUtcNow().UtcDateTime;
            var added = 0;
            var unchanged = 0;
            foreach (var row in rows)
            {
                if (byOriginal.TryGetValue(row.Original, out var pseudonym))
                {
                    if (pseudonym == row.Pseudonym) unchanged++;
                    else errors.Add(new(row.Line, PseudonymImportProblem.OriginalHasAnotherPseudonym, row.Original));
                    continue;
                }
                if (byPseudonym.ContainsKey(row.Pseudonym))
                {
                    errors.Add(new(row.Line, PseudonymImportProblem.PseudonymTaken, row.Pseudonym));
                    continue;
                }
                db.Add(new PseudonymEntry { ProjectId = project.Id, OriginalPatientId = row.Original, Pseudonym = row.Pseudonym, DateShiftDays = row.Shift, CreatedAt = now });
                added++;
            }
            // Every wrong line is named at once (the file's own and those against the table), and nothing is saved.
            if (errors.Count > 0) return new PseudonymImportResult(0, 0, errors.OrderBy(e => e.Line).ToList());
            await db.SaveChangesAsync(ct);
            await audit.WriteAsync(actor, "pseudonyms.import", projectName, $"{added} rows added, {unchanged} already in the table", ct: ct);
            return new PseudonymImportResult(added, unchanged, []);
        }
        finally
        {
            Gate.Release();
        }
    }

    private sealed record ImportRow(int Line, string Pseudonym, string Original, int Shift);

    private static async Task<(List<ImportRow> Rows, List<PseudonymImportError> Errors)> ReadTableAsync(Stream file, CultureInfo culture, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        var content = CsvFormat.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)).Text;
        var rows = new List<ImportRow>();
        var errors = new List<PseudonymImportError>();
        var header = content.Split('\n', 2)[0];
        var separator = CsvFormat.Separator(culture);
        if (!header.Contains(separator)) separator = header.Contains(';') ? ';' : ',';
        var options = CsvFormat.ReaderOptions(separator, bad => errors.Add(new((int)bad.LineNumber, PseudonymImportProblem.NotCsv)));
        try
        {
            using var csv = CsvReader.FromText(content, options);
            await csv.ReadHeaderAsync(ct);
            var names = csv.Headers.Select(h => h.Trim().ToLowerInvariant()).ToList();
            int pseudonymAt = names.IndexOf("pseudonym"), originalAt = names.IndexOf("originalpatientid"), shiftAt = names.IndexOf("dateshiftdays");
            if (pseudonymAt < 0 || originalAt < 0) return (rows, [new(1, PseudonymImportProblem.MissingColumns)]);
            var seenOriginals = new HashSet<string>(StringComparer.Ordinal);
            var seenPseudonyms = new HashSet<string>(StringComparer.Ordinal);
            while (await csv.ReadAsync(ct))
            {
                var line = (int)csv.LineNumber;
                if (rows.Count >= MaxImportRows) { errors.Add(new(line, PseudonymImportProblem.TooManyRows)); break; }
                string Field(int i) => i >= 0 && i < csv.FieldCount ? CsvCells.Restore(csv[i].ToString().Trim()) : "";
                string pseudonym = Field(pseudonymAt), original = Field(originalAt), shiftText = Field(shiftAt);
                if (pseudonym.Length == 0 && original.Length == 0) continue;
                var shift = 0;
                if (pseudonym.Length == 0) errors.Add(new(line, PseudonymImportProblem.NoPseudonym));
                else if (original.Length == 0) errors.Add(new(line, PseudonymImportProblem.NoOriginalId, pseudonym));
                else if (pseudonym.Length > 64 || original.Length > 64) errors.Add(new(line, PseudonymImportProblem.TooLong));
                else if (shiftText.Length > 0 && !int.TryParse(shiftText, NumberStyles.Integer, culture, out shift) && !int.TryParse(shiftText, NumberStyles.Integer, CultureInfo.InvariantCulture, out shift))
                    errors.Add(new(line, PseudonymImportProblem.BadDateShift, shiftText));
                else if (!seenOriginals.Add(original)) errors.Add(new(line, PseudonymImportProblem.DuplicateInFile, original));
                else if (!seenPseudonyms.Add(pseudonym)) errors.Add(new(line, PseudonymImportProblem.DuplicateInFile, pseudonym));
                else rows.Add(new ImportRow(line, pseudonym, original, shift));
            }
        }
        catch (CsvFormatException)
        {
            errors.Add(new(0, PseudonymImportProblem.NotCsv));
        }
        return (rows, errors.OrderBy(e => e.Line).ToList());
    }
}
