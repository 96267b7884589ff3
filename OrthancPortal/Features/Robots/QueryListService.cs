using OrthancPortal.Features.QueryRetrieve;

namespace OrthancPortal.Features.Robots;

/// <summary>Runs a query list against the remotes: one C-FIND per row, then optionally a series-level pass.</summary>
public sealed class QueryListService(QueryRetrieveService qr)
{
    public const long MaxCsvBytes = 10 * 1024 * 1024;

    /// <summary>A result line: a study (or one of its series) found for a query list row.</summary>
    public sealed class ResultRow(int line, StudyAnswer study, SeriesAnswer? series)
    {
        public int Line { get; } = line;
        public StudyAnswer Study { get; } = study;
        public SeriesAnswer? Series { get; } = series;
        public bool Selected { get; set; }

        public RobotItemSource ToSource() => new(Line, Study.Modality, Study.StudyInstanceUid, Series?.SeriesInstanceUid ?? "",
            Study.PatientId, Study.PatientName, Study.StudyDescription);
    }

    /// <summary>Queries row by row (remotes dislike parallel associations), de-duplicating studies found by several rows.</summary>
    public async Task<List<ResultRow>> RunQueriesAsync(IReadOnlyList<QueryListRow> rows, string defaultModality, Func<int, int, Task>? progress = null, CancellationToken ct = default)
    {
        var results = new List<ResultRow>();
        var seen = new HashSet<string>();
        for (var i = 0; i < rows.Count; i++)
        {
            var (criteria, error) = rows[i].ToCriteria();
            if (criteria is null) throw new RobotException($"Row {i + 1}: {error}");
            var modality = rows[i].Aet.Trim() == "" ? defaultModality
                : await qr.ModalityByAetAsync(rows[i].Aet, ct) ?? throw new RobotException($"Row {i + 1}: no modality has the AET '{rows[i].Aet}'.");
            var found = await qr.FindStudiesAsync(modality, criteria, ct: ct);
            foreach (var study in found.Answers.Where(s => seen.Add(s.StudyInstanceUid)))
            {
                results.Add(new ResultRow(i + 1, study, null));
            }
            if (progress is not null) await progress(i + 1, rows.Count);
        }
        return results;
    }

    /// <summary>Replaces each study by its series that match the description and modality filters.</summary>
    public async Task<List<ResultRow>> FilterSeriesAsync(IReadOnlyList<ResultRow> results, string? description, string? modality, CancellationToken ct = default)
    {
        var filtered = new List<ResultRow>();
        foreach (var study in results.DistinctBy(r => r.Study.StudyInstanceUid))
        {
            var series = await qr.FindSeriesAsync(study.Study.Modality, study.Study.StudyInstanceUid, description, modality, ct);
            filtered.AddRange(series.Select(s => new ResultRow(study.Line, study.Study, s)));
        }
        return filtered;
    }
}
