using System.Text.RegularExpressions;
using OrthancPortal.Features.Labels;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Viewers;

/// <summary>
/// The viewer proxy's check for a label-limited role (<see cref="LabelLimit"/>): a request that <see cref="ViewerRules"/>
/// allowed still reaches Orthanc only when every study it names carries a label of the limit. The study comes from the
/// matched route: a StudyInstanceUID, SeriesInstanceUID or SOPInstanceUID in the path, an Orthanc series or instance id,
/// the Web Viewer's image key, WADO-URI's UIDs, or a single StudyInstanceUID match key of a QIDO search. A request that
/// names no study (a search over everything) is refused; static viewer files need no check.
/// </summary>
public static partial class ViewerLabelCheck
{
    private enum Key { Uid, OrthancId }

    public static async Task<ViewerRules.Decision> CheckAsync(HttpContext http, ViewerRules.Decision decision, StudyAccess access)
    {
        var route = decision.Route!;
        var target = decision.OrthancTarget!;
        var queryStart = target.IndexOf('?');
        var segments = (queryStart < 0 ? target : target[..queryStart]).Split('/');
        var query = queryStart < 0 ? "" : target[(queryStart + 1)..];
        var checks = new List<(ResourceLevel Level, string Value, Key Key)>();
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
                    if (LevelAfter(before) is not { } uidLevel) return Unknown();
                    checks.Add((uidLevel, segments[i], Key.Uid));
                    break;
                case "{id}":
                    if (LevelAfter(before) is not { } idLevel) return Unknown();
                    checks.Add((idLevel, segments[i], Key.OrthancId));
                    break;
                case "{image}":
                    // "jpeg95-<instance id>_<frame>" (the route's pattern already checked the shape).
                    var image = segments[i];
                    checks.Add((ResourceLevel.Instance, image[(image.IndexOf('-') + 1)..image.LastIndexOf('_')], Key.OrthancId));
                    break;
            }
        }
        if (checks.Count == 0)
        {
            var parameters = Parameters(query);
            switch (route.Query)
            {
                case ViewerQuery.Qido:
                    // Any spelling Orthanc might read as the StudyInstanceUID (keyword or tag) counts, so a second one cannot widen the search.
                    var studyUids = parameters.Where(p => p.Key.Equals("StudyInstanceUID", StringComparison.OrdinalIgnoreCase)
                                                          || p.Key.Equals("0020000D", StringComparison.OrdinalIgnoreCase)).ToList();
                    if (studyUids.Count != 1 || !Uid().IsMatch(studyUids[0].Value))
                    {
                        return ViewerRules.Decision.Refuse(StatusCodes.Status403Forbidden, $"{StudyAccess.OutsideReason(LabelLimit.Of(http.User)!)} A search must name one StudyInstanceUID");
                    }
                    checks.Add((ResourceLevel.Study, studyUids[0].Value, Key.Uid));
                    break;
                case ViewerQuery.WadoUri:
                    foreach (var (name, level) in new[] { ("studyUID", ResourceLevel.Study), ("seriesUID", ResourceLevel.Series), ("objectUID", ResourceLevel.Instance) })
                    {
                        var values = parameters.Where(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList();
                        if (values.Count > 1 || (name == "objectUID" && values.Count == 0)) return Unknown();
                        if (values.Count == 1) checks.Add((level, values[0].Value, Key.Uid));
                    }
                    break;
                case ViewerQuery.None when isStatic || !route.Pattern.Contains('{'):
                    // Viewer files, and STOW-RS into no particular study (storing is importing, which has its own permission).
                    return decision;
                default:
                    return Unknown();
            }
        }

        foreach (var (level, value, key) in checks)
        {
            var reason = key == Key.Uid
                ? await access.DenialForUidAsync(http.User, value, level, http.RequestAborted)
                : await access.DenialAsync(http.User, level, value, everyStudy: true, http.RequestAborted);
            if (reason is not null) return ViewerRules.Decision.Refuse(StatusCodes.Status403Forbidden, reason.TrimEnd('.'));
        }
        return decision;

        ViewerRules.Decision Unknown() => ViewerRules.Decision.Refuse(StatusCodes.Status403Forbidden, "a viewer request whose study cannot be checked against the role's labels");
    }

    private static ResourceLevel? LevelAfter(string segment) => segment switch
    {
        "studies" => ResourceLevel.Study,
        "series" or "is-stable-series" => ResourceLevel.Series,
        "instances" => ResourceLevel.Instance,
        _ => null,
    };

    private static List<KeyValuePair<string, string>> Parameters(string query)
        => query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.IndexOf('=') is var eq and >= 0 ? new KeyValuePair<string, string>(p[..eq], Uri.UnescapeDataString(p[(eq + 1)..])) : new(p, ""))
            .ToList();

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)*$")] private static partial Regex Uid();
}
