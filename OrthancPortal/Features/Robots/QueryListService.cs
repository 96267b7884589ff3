using OrthancPortal.Features.QueryRetrieve;

namespace OrthancPortal.Features.Robots;

/// <summary>Runs a query list against the remotes: one C-FIND per row, then optionally a series-level pass.</summary>
public sealed class QueryListService(QueryRetrieveService qr)
{
    public const long MaxCsvBytes = 10 * 1024 * 1024;

    /// <summary>
    /// A result line: a study (or one of its series) found for a query list row. <see cref="Answers"/> is how many
    /// studies that row found: only a row with exactly one answer names its study, so only those go into a robot.
    /// <see cref="FirstLine"/> is the earlier row that found the same study, if any.
    /// </summary>
    public sealed class ResultRow(int line, StudyAnswer study, SeriesAnswer? series, int answers, int? firstLine)
    {
        public int Line { get; } = line;
        public StudyAnswer Study { get; } = study;
        public SeriesAnswer? Series { get; } = series;
        public int Answers { get; } = answers;
        public int? FirstLine { get; } = firstLine;
        public bool Selected { get; set; }
        public bool GoesIntoRobot => Answers == 1;

        public RobotItemSource ToSource() => new(Line, Study.Modality, Study.StudyInstanceUid, Series?.SeriesInstanceUid ?? "",
            Study.PatientId, Study.PatientName, Study.StudyDescription);
    }

    /// <summary>Every row's answers, and the rows that found nothing (each needs a mark, not silence).</summary>
    public sealed record QueryRun(List<ResultRow> Results, IReadOnlyList<int> LinesWithoutAnswer);

    /// <summary>
    /// Queries row by row (remotes dislike parallel associations). Each row keeps its own answers, also a study an
    /// earlier row found (marked with that row), so no row is folded into another.
    /// </summary>
    public async Task<QueryRun> RunQueriesAsync(IReadOnlyList<QueryListRow> rows, string? defaultModality, Func<int, int, Task>? progress = null, CancellationToken ct = default)
    {
        var results = new List<ResultRow>();
        var unanswered = new List<int>();
        var firstLine = new Dictionary<string, int>();
        for (var i = 0; i < rows.Count; i++)
        {
            var (criteria, error) = rows[i].ToCriteria();
            if (criteria is null) throw new RobotException($"Row {i + 1}: {error}");
            var modality = await ModalityOfRowAsync(rows[i], i + 1, defaultModality, aet => qr.ModalityByAetAsync(aet, ct));
            var found = await qr.FindStudiesAsync(modality, criteria, ct: ct);
            if (found.Total == 0) unanswered.Add(i + 1);
            foreach (var study in found.Answers)
            {
                results.Add(new ResultRow(i + 1, study, null, found.Total, firstLine.TryGetValue(study.StudyInstanceUid, out var first) ? first : null));
                firstLine.TryAdd(study.StudyInstanceUid, i + 1);
            }
            if (progress is not null) await progress(i + 1, rows.Count);
        }
        return new QueryRun(results, unanswered);
    }

    /// <summary>The remote a row is queried on: its AET's modality, else the one chosen on the page.</summary>
    public static async Task<string> ModalityOfRowAsync(QueryListRow row, int line, string? defaultModality, Func<string, Task<string?>> modalityByAet)
    {
        if (row.Aet.Trim() != "") return await modalityByAet(row.Aet) ?? throw new RobotException($"Row {line}: no modality has the AET '{row.Aet}'.");
        return string.IsNullOrEmpty(defaultModality)
            ? throw new RobotException($"Row {line} names no AET: choose the remote to query on.")
            : defaultModality;
    }

    /// <summary>What "Create robot from results" takes: the rows with exactly one answer (the robot drops repeats of a study).</summary>
    public static IReadOnlyList<RobotItemSource> RobotSources(IEnumerable<ResultRow> results)
        => results.Where(r => r.GoesIntoRobot).Select(r => r.ToSource()).ToList();

    /// <summary>Replaces each study by its series that match the description and modality filters.</summary>
    public async Task<List<ResultRow>> FilterSeriesAsync(IReadOnlyList<ResultRow> results, string? description, string? modality, CancellationToken ct = default)
    {
        var filtered = new List<ResultRow>();
        foreach (var study in results.DistinctBy(r => r.Study.StudyInstanceUid))
        {
            var series = await qr.FindSeriesAsync(study.Study.Modality, study.Study.StudyInstanceUid, description, modality, ct);
            filtered.AddRange(series.Select(s => new ResultRow(study.Line, study.Study, s, study.Answers, study.FirstLine)));
        }
        return filtered;
    }
}
