using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Automation;

/// <summary>What a rule is evaluated on and acted upon: a study, or one series of it.</summary>
public sealed record RuleTarget(ResourceLevel Level, string ResourceId, OrthancStudy Study, IReadOnlyList<OrthancSeries> Series, ResourceTags Tags)
{
    public string Label => $"{Study.Tag("PatientID")} {Study.Tag("PatientName")} · {Study.Tag("StudyDescription")}"
        + (Level == ResourceLevel.Series && Series.Count == 1 ? $" · series {Series[0].Tag("SeriesNumber")} {Series[0].Tag("SeriesDescription")}" : "");
}

/// <summary>
/// Loads a resource's tags for matching: Orthanc's main DICOM tags first, then the tags of one instance of each series,
/// so a rule may also test tags Orthanc does not index (ProtocolName, InstitutionName, ...).
/// </summary>
public sealed class RuleContextLoader(OrthancClient orthanc)
{
    public async Task<RuleTarget> LoadAsync(ResourceLevel level, string resourceId, CancellationToken ct)
    {
        OrthancStudy study;
        IReadOnlyList<OrthancSeries> series;
        if (level == ResourceLevel.Series)
        {
            var one = await orthanc.GetSeriesAsync(resourceId, ct);
            study = await orthanc.GetStudyAsync(one.ParentStudy, ct);
            series = [one];
        }
        else
        {
            study = await orthanc.GetStudyAsync(resourceId, ct);
            series = await orthanc.GetStudySeriesAsync(resourceId, ct);
        }

        var seriesTags = new List<IReadOnlyDictionary<string, string>>();
        Dictionary<string, string>? firstInstance = null;
        foreach (var s in series)
        {
            var instanceTags = s.Instances.Count == 0 ? [] : await SimpleTagsAsync(s.Instances[0], ct);
            firstInstance ??= instanceTags;
            seriesTags.Add(Merge(s.MainDicomTags, instanceTags));
        }
        var patient = Merge(study.PatientMainDicomTags, firstInstance ?? []);
        var studyTags = Merge(study.MainDicomTags, firstInstance ?? []);
        return new RuleTarget(level, resourceId, study, series, new ResourceTags(patient, studyTags, seriesTags));
    }

    private async Task<Dictionary<string, string>> SimpleTagsAsync(string instanceId, CancellationToken ct)
    {
        var json = await orthanc.GetSimplifiedTagsAsync(instanceId, ct);
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in json)
        {
            // Sequences and binary values are not matchable text.
            if (value is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var text)) tags[key] = text;
        }
        return tags;
    }

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> main, IReadOnlyDictionary<string, string> extra)
    {
        var merged = new Dictionary<string, string>(extra, StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in main) merged[k] = v;
        return merged;
    }
}
