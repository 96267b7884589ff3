using OrthancPortal.Features.Labels;

namespace OrthancPortal.Features.Viewers;

/// <summary>
/// The viewer proxy's check for a label-limited role (<see cref="LabelLimit"/>): a request that <see cref="ViewerRules"/>
/// allowed still reaches Orthanc only when every study it names (<see cref="ViewerStudyReferences"/>) carries a label of
/// the limit. A search must name exactly one StudyInstanceUID; a request that names no study (a search over everything)
/// is refused; static viewer files need no check.
/// </summary>
public static class ViewerLabelCheck
{
    public static async Task<ViewerRules.Decision> CheckAsync(HttpContext http, ViewerRules.Decision decision, StudyAccess access)
    {
        var found = ViewerStudyReferences.Of(decision);
        var checks = found.References.ToList();
        switch (found.What)
        {
            case ViewerStudyReferences.Kind.NoStudy:
                // Viewer files, and STOW-RS into no particular study (storing is importing, which has its own permission).
                return decision;
            case ViewerStudyReferences.Kind.Unknown:
                return Unknown();
            case ViewerStudyReferences.Kind.Search:
                if (found.SearchUids.Count != 1)
                {
                    return ViewerRules.Decision.Refuse(StatusCodes.Status403Forbidden, $"{StudyAccess.OutsideReason(LabelLimit.Of(http.User)!)} A search must name one StudyInstanceUID");
                }
                checks.Add(new(Orthanc.ResourceLevel.Study, found.SearchUids[0], ViewerKey.Uid));
                break;
        }

        foreach (var (level, value, key) in checks)
        {
            var reason = key == ViewerKey.Uid
                ? await access.DenialForUidAsync(http.User, value, level, http.RequestAborted)
                : await access.DenialAsync(http.User, level, value, everyStudy: true, http.RequestAborted);
            if (reason is not null) return ViewerRules.Decision.Refuse(StatusCodes.Status403Forbidden, reason.TrimEnd('.'));
        }
        return decision;

        ViewerRules.Decision Unknown() => ViewerRules.Decision.Refuse(StatusCodes.Status403Forbidden, "a viewer request whose study cannot be checked against the role's labels");
    }
}
