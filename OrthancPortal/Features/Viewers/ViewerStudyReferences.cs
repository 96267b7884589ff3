using System.Text.RegularExpressions;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Viewers;

/// <summary>How a viewer request names its study: a UID (study, series or SOP instance) or an Orthanc id.</summary>
public enum ViewerKey { Uid, OrthancId }

/// <summary>One study reference of a viewer request, e.g. the SeriesInstanceUID in a DICOMweb path.</summary>
public sealed record ViewerStudyReference(ResourceLevel Level, string Value, ViewerKey Key);

/// <summary>
/// What a request that <see cref="ViewerRules"/> allowed says about its studies, read from the matched route: the
/// StudyInstanceUID, SeriesInstanceUID or SOPInstanceUID in the path, an Orthanc series or instance id, the Web
/// Viewer's image key, WADO-URI's UIDs, or the StudyInstanceUID match keys of a QIDO search. Both the label check
/// (<see cref="ViewerLabelCheck"/>) and the share check (<see cref="ViewerShareCheck"/>) start from here.
/// </summary>
public sealed partial record ViewerStudyReferences(ViewerStudyReferences.Kind What, IReadOnlyList<ViewerStudyReference> References, IReadOnlyList<string> SearchUids)
{
    public enum Kind
    {
        /// <summary>Viewer files (scripts, pages), or STOW-RS into no particular study: no study to check.</summary>
        NoStudy,
        /// <summary>The request names its studies in <see cref="References"/>.</summary>
        Named,
        /// <summary>A QIDO search; <see cref="SearchUids"/> holds the values of its single StudyInstanceUID key (none when it has no such key, or more than one).</summary>
        Search,
        /// <summary>A route whose study cannot be told: refuse it.</summary>
        Unknown,
    }

    public static ViewerStudyReferences Of(ViewerRules.Decision decision)
    {
        var route = decision.Route!;
        var target = decision.OrthancTarget!;
        var queryStart = target.IndexOf('?');
        var segments = (queryStart < 0 ? target : target[..queryStart]).Split('/');
        var query = queryStart < 0 ? "" : target[(queryStart + 1)..];
        var references = new List<ViewerStudyReference>();
        var isStatic = false;
        for (var i = 0; i < route.Segments.Length; i++)
        {
            var part = route.Segments[i];
            var before = i > 0 ? route.Segments[i - 1] : "";
            switch (part)
            {
                case "{asset}":
                    isStatic = true;
                    break;
                case "{uid}":
                    if (LevelAfter(before) is not { } uidLevel) return Unknown;
                    references.Add(new(uidLevel, segments[i], ViewerKey.Uid));
                    break;
                case "{id}":
                    if (LevelAfter(before) is not { } idLevel) return Unknown;
                    references.Add(new(idLevel, segments[i], ViewerKey.OrthancId));
                    break;
                case "{image}":
                    // "jpeg95-<instance id>_<frame>" (the route's pattern already checked the shape).
                    var image = segments[i];
                    references.Add(new(ResourceLevel.Instance, image[(image.IndexOf('-') + 1)..image.LastIndexOf('_')], ViewerKey.OrthancId));
                    break;
            }
        }
        if (references.Count > 0) return new(Kind.Named, references, []);

        var parameters = Parameters(query);
        switch (route.Query)
        {
            case ViewerQuery.Qido:
                // Any spelling Orthanc might read as the StudyInstanceUID (keyword or tag) counts, so a second one cannot widen the search.
                var studyUids = parameters.Where(p => p.Key.Equals("StudyInstanceUID", StringComparison.OrdinalIgnoreCase)
                                                      || p.Key.Equals("0020000D", StringComparison.OrdinalIgnoreCase)).ToList();
                if (studyUids.Count != 1) return new(Kind.Search, [], []);
                // A UID list match ("a,b" or "a\b"): every element must be a plain UID, never a wildcard or a range.
                var values = studyUids[0].Value.Split([',', '\\']);
                return new(Kind.Search, [], values.All(v => v.Length is > 0 and <= 64 && Uid().IsMatch(v)) ? values : []);
            case ViewerQuery.WadoUri:
                foreach (var (name, level) in new[] { ("studyUID", ResourceLevel.Study), ("seriesUID", ResourceLevel.Series), ("objectUID", ResourceLevel.Instance) })
                {
                    var found = parameters.Where(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList();
                    if (found.Count > 1 || (name == "objectUID" && found.Count == 0)) return Unknown;
                    if (found.Count == 1) references.Add(new(level, found[0].Value, ViewerKey.Uid));
                }
                return new(Kind.Named, references, []);
            case ViewerQuery.None when isStatic || !route.Pattern.Contains('{'):
                return new(Kind.NoStudy, [], []);
            default:
                return Unknown;
        }
    }

    private static readonly ViewerStudyReferences Unknown = new(Kind.Unknown, [], []);

    private static ResourceLevel? LevelAfter(string segment) => segment switch
    {
        "studies" => ResourceLevel.Study,
        "series" or "is-stable-series" => ResourceLevel.Series,
        "instances" => ResourceLevel.Instance,
        _ => null,
    };

    public static List<KeyValuePair<string, string>> Parameters(string query)
        => query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.IndexOf('=') is var eq and >= 0 ? new KeyValuePair<string, string>(p[..eq], Uri.UnescapeDataString(p[(eq + 1)..])) : new(p, ""))
            .ToList();

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)*$")] private static partial Regex Uid();
}
