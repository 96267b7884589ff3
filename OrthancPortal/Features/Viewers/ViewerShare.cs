using System.Collections.Concurrent;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Viewers;

/// <summary>
/// What a share link lets a visitor without an account open in the viewers: exactly these studies (Orthanc ids and
/// their StudyInstanceUIDs), and their files only when <see cref="AllowDownload"/>. Features/Shares makes them.
/// </summary>
public sealed record ViewerShare(long Id, string Sharer, IReadOnlySet<string> StudyIds, IReadOnlySet<string> StudyUids, bool AllowDownload);

/// <summary>The share a request carries (its share cookie), for the viewer proxy and OHIF. Implemented by Features/Shares.</summary>
public interface IViewerShares
{
    /// <summary>The valid (known, not expired, not revoked) share of this request's share cookie, or null. Read once per request.</summary>
    Task<ViewerShare?> CurrentAsync(HttpContext http);

    /// <summary>Writes an audit entry under the share (user "share:&lt;id&gt;", the sharer in the details).</summary>
    Task AuditAsync(HttpContext http, ViewerShare share, string action, string resource, string? details = null, bool success = true);
}

/// <summary>
/// Marks the endpoints a share cookie may reach (the viewer proxy, OHIF, the share's own pages). Any other endpoint
/// answers a request that brings a share cookie and no signed-in user with 403 (Features/Shares' guard).
/// </summary>
public sealed class ShareReachableAttribute : Attribute;

/// <summary>
/// The viewer proxy's check for a share link: a request that <see cref="ViewerRules"/> allowed reaches Orthanc only
/// when every study it names (<see cref="ViewerStudyReferences"/>) is one of the share's. A QIDO search with a
/// StudyInstanceUID key must name only shared studies; one without gets the shared studies' UIDs added as that key; a full DICOM retrieve (WADO-RS of a whole study, series or instance,
/// WADO-URI as application/dicom) needs a share that allows downloads; a route needing a permission (STOW) never passes.
/// </summary>
public static class ViewerShareCheck
{
    public const string NoDownloadReason = "this share link does not allow downloads";

    public static async Task<ViewerRules.Decision> CheckAsync(ViewerRules.Decision decision, ViewerShare share, ViewerStudyResolver resolver, OrthancClient orthanc, CancellationToken ct)
    {
        var route = decision.Route!;
        if (route.ExtraPermission is not null) return Refuse($"a share link cannot use a route that needs the {route.ExtraPermission} permission");
        if (!share.AllowDownload && IsDownload(decision)) return Refuse(NoDownloadReason);

        var found = ViewerStudyReferences.Of(decision);
        switch (found.What)
        {
            case ViewerStudyReferences.Kind.NoStudy:
                return decision;
            case ViewerStudyReferences.Kind.Unknown:
                return Refuse("a viewer request whose study cannot be checked against the share");
            case ViewerStudyReferences.Kind.Search when found.SearchUids.Count > 0:
                return found.SearchUids.All(share.StudyUids.Contains) ? decision : Refuse("a search through a share link must name shared StudyInstanceUIDs");
            case ViewerStudyReferences.Kind.Search when !NamesStudies(decision.OrthancTarget!):
                // A search over everything (OHIF looks for the patient's other studies) sees only the shared studies.
                var target = decision.OrthancTarget!;
                return decision with { OrthancTarget = $"{target}{(target.Contains('?') ? '&' : '?')}StudyInstanceUID={string.Join(',', share.StudyUids.Order(StringComparer.Ordinal))}" };
            case ViewerStudyReferences.Kind.Search:
                return Refuse("a search through a share link must name shared StudyInstanceUIDs");
        }
        foreach (var reference in found.References)
        {
            if (reference is { Level: ResourceLevel.Study, Key: ViewerKey.Uid } && !share.StudyUids.Contains(reference.Value)) return Outside();
            var studies = await resolver.StudiesOfAsync(orthanc, reference, ct);
            if (studies.Count == 0 || !studies.All(share.StudyIds.Contains)) return Outside();
        }
        return decision;

        ViewerRules.Decision Outside() => Refuse("this study is not part of the share");
        static ViewerRules.Decision Refuse(string reason) => ViewerRules.Decision.Refuse(StatusCodes.Status403Forbidden, reason);
    }

    private static bool NamesStudies(string target)
    {
        var query = target.IndexOf('?') is var q and >= 0 ? target[(q + 1)..] : "";
        return ViewerStudyReferences.Parameters(query).Any(p => p.Key.Equals("StudyInstanceUID", StringComparison.OrdinalIgnoreCase)
                                                               || p.Key.Equals("0020000D", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whole DICOM files: WADO-RS retrieve of a study, series or instance (no /metadata, /frames, /rendered...), and WADO-URI as DICOM.</summary>
    private static bool IsDownload(ViewerRules.Decision decision)
    {
        var route = decision.Route!;
        if (route.Query == ViewerQuery.Wado && route.Pattern.EndsWith("{uid}", StringComparison.Ordinal)) return true;
        if (route.Query != ViewerQuery.WadoUri) return false;
        var query = decision.OrthancTarget!.IndexOf('?') is var q and >= 0 ? decision.OrthancTarget[(q + 1)..] : "";
        return ViewerStudyReferences.Parameters(query).Any(p => p.Key.Equals("contentType", StringComparison.OrdinalIgnoreCase)
                                                                && p.Value.Equals("application/dicom", StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>
/// Which Orthanc studies a viewer request's reference belongs to. Remembered for a while: a viewer asks for many
/// frames of the same series, and where a series or instance belongs never changes (Orthanc ids are hashes of the UIDs
/// above them). UIDs are looked up again after <see cref="UidFresh"/>, since a new study could reuse one.
/// </summary>
public sealed class ViewerStudyResolver(TimeProvider clock)
{
    private static readonly TimeSpan UidFresh = TimeSpan.FromSeconds(30);
    private const int MaxEntries = 20_000;
    private readonly ConcurrentDictionary<ViewerStudyReference, (IReadOnlyList<string> Studies, DateTimeOffset At)> cache = new();

    public async Task<IReadOnlyList<string>> StudiesOfAsync(OrthancClient orthanc, ViewerStudyReference reference, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (cache.TryGetValue(reference, out var cached) && (reference.Key == ViewerKey.OrthancId || now - cached.At < UidFresh)) return cached.Studies;
        IReadOnlyList<string> studies;
        try
        {
            if (reference.Key == ViewerKey.OrthancId)
            {
                studies = [await orthanc.GetParentStudyIdAsync(reference.Level, reference.Value, ct)];
            }
            else
            {
                var type = reference.Level.ToString();
                var list = new List<string>();
                foreach (var found in (await orthanc.LookupAsync(reference.Value, ct)).Where(l => l.Type == type))
                {
                    list.Add(await orthanc.GetParentStudyIdAsync(reference.Level, found.ID, ct));
                }
                studies = list;
            }
        }
        catch (OrthancException ex) when (ex.Failure is OrthancFailure.NotFound or OrthancFailure.BadRequest)
        {
            return [];
        }
        if (cache.Count >= MaxEntries) cache.Clear();
        cache[reference] = (studies, now);
        return studies;
    }
}
