using System.Security.Claims;
using Microsoft.Extensions.Localization;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Content;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Labels;

/// <summary>
/// The labels a user is limited to, from the user's roles (<see cref="PortalRole.StudyLabelLimit"/>): null when the
/// user sees every study. A study is visible when it carries at least one of <see cref="Labels"/>.
/// </summary>
public sealed record LabelLimit(IReadOnlySet<string> Labels)
{
    public const string LimitedClaim = "portal:label-limited";
    public const string LabelClaim = "portal:study-label";

    public string Describe() => string.Join(", ", Labels.Order(StringComparer.Ordinal));

    public static LabelLimit? Of(ClaimsPrincipal user)
        => user.HasClaim(c => c.Type == LimitedClaim)
            ? new LabelLimit(user.FindAll(LabelClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal))
            : null;

    /// <summary>
    /// The claims for a user with these roles. A role that lets its users view content without a limit makes the user
    /// unlimited; otherwise the limits of the roles that grant ViewContent add up. Roles without ViewContent do not count.
    /// </summary>
    public static IEnumerable<Claim> ClaimsFor(IEnumerable<(PortalRole Role, bool ViewsContent)> roles)
    {
        var viewing = roles.Where(r => r.ViewsContent).Select(r => r.Role).ToList();
        if (viewing.Count == 0 || viewing.Any(r => r.Name == Roles.Admin || string.IsNullOrWhiteSpace(r.StudyLabelLimit))) return [];
        var labels = viewing.SelectMany(r => Parse(r.StudyLabelLimit)).Distinct(StringComparer.Ordinal);
        return [new Claim(LimitedClaim, "true"), .. labels.Select(l => new Claim(LabelClaim, l))];
    }

    /// <summary>The stored form back to labels; anything that is not a label is dropped (it could never match).</summary>
    public static IReadOnlyList<string> Parse(string? stored)
        => (stored ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(OrthancClient.IsLabel).Distinct(StringComparer.Ordinal).ToList();
}

/// <summary>
/// Enforces a role's label limit on the server for every way to reach a study: search, the content pages and APIs,
/// downloads, baskets and the viewer proxy. An Orthanc without labels (1.10.1) shows a limited user nothing: it
/// cannot say which study carries which label, so the answer fails closed and says why.
/// Lookups are cached for this scope (one HTTP request, or a few seconds inside a Blazor circuit).
/// </summary>
public sealed class StudyAccess(OrthancClient orthanc, OrthancCapabilitiesProvider capabilities, PermissionGuard guard, TimeProvider clock)
{
    // Static, because OutsideReason is static (the viewer proxy's label check uses it too); looked up in the caller's UI culture.
    private static readonly IStringLocalizer<StudyAccess> L = PortalText.For<StudyAccess>();
    private static readonly TimeSpan LabelsFresh = TimeSpan.FromSeconds(3);
    private readonly Dictionary<string, (IReadOnlyList<string> Labels, DateTimeOffset At)> labelCache = new(StringComparer.Ordinal);
    // Where a series or instance belongs never changes (Orthanc ids are hashes of the UIDs above them).
    private readonly Dictionary<(ResourceLevel, string), IReadOnlyList<string>> studiesCache = [];

    /// <summary>The current user's limit (from the HTTP request or the circuit); null when unlimited.</summary>
    public async Task<LabelLimit?> CurrentLimitAsync() => LabelLimit.Of(await guard.UserAsync());

    /// <summary>Throws <see cref="UnauthorizedAccessException"/> (with the reason in words) unless the current user may see the resource.</summary>
    /// <param name="everyStudy">For a patient: every study must be visible (downloads, changes); otherwise one is enough (reading the patient).</param>
    public async Task RequireAsync(ResourceLevel level, string id, bool everyStudy = false, CancellationToken ct = default)
    {
        if (await DenialAsync(await guard.UserAsync(), level, id, everyStudy, ct) is { } reason) throw new UnauthorizedAccessException(reason);
    }

    /// <summary>Null when <paramref name="user"/> may see the resource, else why not.</summary>
    public async Task<string?> DenialAsync(ClaimsPrincipal user, ResourceLevel level, string id, bool everyStudy, CancellationToken ct = default)
    {
        var limit = LabelLimit.Of(user);
        if (limit is null) return null;
        if (await NoLabelsReasonAsync(limit, ct) is { } noLabels) return noLabels;
        IReadOnlyList<string> studies;
        try { studies = await StudiesOfAsync(level, id, ct); }
        catch (OrthancException ex) when (ex.Failure is OrthancFailure.NotFound or OrthancFailure.BadRequest) { return OutsideReason(limit); }
        if (studies.Count == 0) return OutsideReason(limit);
        var visible = 0;
        foreach (var study in studies) if (await VisibleAsync(limit, study, ct)) visible++;
        return (everyStudy || level != ResourceLevel.Patient ? visible == studies.Count : visible > 0) ? null : OutsideReason(limit);
    }

    /// <summary>
    /// For a DICOM UID (study, series or SOP instance): null when every Orthanc resource of that level with this UID
    /// belongs to a visible study. An unknown UID is refused too, so the answer does not tell which UIDs exist.
    /// </summary>
    public async Task<string?> DenialForUidAsync(ClaimsPrincipal user, string uid, ResourceLevel level, CancellationToken ct = default)
    {
        var limit = LabelLimit.Of(user);
        if (limit is null) return null;
        if (await NoLabelsReasonAsync(limit, ct) is { } noLabels) return noLabels;
        var type = level.ToString();
        var found = (await orthanc.LookupAsync(uid, ct)).Where(l => l.Type == type).ToList();
        if (found.Count == 0) return OutsideReason(limit);
        foreach (var resource in found)
        {
            if (await DenialAsync(user, level, resource.ID, everyStudy: true, ct) is { } reason) return reason;
        }
        return null;
    }

    /// <summary>Only the studies of <paramref name="studies"/> the current user may see.</summary>
    public async Task<IReadOnlyList<StudyRow>> VisibleAsync(IReadOnlyList<StudyRow> studies, CancellationToken ct = default)
    {
        var limit = await CurrentLimitAsync();
        if (limit is null) return studies;
        if (await NoLabelsReasonAsync(limit, ct) is not null) return [];
        var kept = new List<StudyRow>();
        foreach (var s in studies) if (await VisibleAsync(limit, s.Id, ct)) kept.Add(s);
        return kept;
    }

    /// <summary>Why a limited user sees nothing on this Orthanc, or null when it has labels.</summary>
    public async Task<string?> NoLabelsReasonAsync(LabelLimit limit, CancellationToken ct = default)
    {
        var can = await capabilities.GetAsync(ct);
        return can.HasLabels ? null
            : (string)L["Your role sees only studies labelled {0}, and this Orthanc (version {1}) has no labels (they came with Orthanc 1.12), so no study can be shown.", limit.Describe(), can.Version];
    }

    public static string OutsideReason(LabelLimit limit) => L["This is not available to you: your role sees only studies labelled {0}.", limit.Describe()];

    private async Task<bool> VisibleAsync(LabelLimit limit, string studyId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (!labelCache.TryGetValue(studyId, out var cached) || now - cached.At > LabelsFresh)
        {
            IReadOnlyList<string> labels;
            try { labels = await orthanc.GetStudyLabelsAsync(studyId, ct); }
            catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound) { labels = []; }
            cached = (labels, now);
            labelCache[studyId] = cached;
        }
        return cached.Labels.Any(limit.Labels.Contains);
    }

    private async Task<IReadOnlyList<string>> StudiesOfAsync(ResourceLevel level, string id, CancellationToken ct)
    {
        OrthancClient.Id(id);
        if (level == ResourceLevel.Study) return [id];
        if (studiesCache.TryGetValue((level, id), out var cached)) return cached;
        IReadOnlyList<string> studies = level == ResourceLevel.Patient
            ? (await orthanc.GetPatientAsync(id, ct)).Studies
            : [await orthanc.GetParentStudyIdAsync(level, id, ct)];
        // A patient gains studies: only the fixed parent of a series or instance is kept.
        if (level != ResourceLevel.Patient) studiesCache[(level, id)] = studies;
        return studies;
    }
}
