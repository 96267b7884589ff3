using OrthancPortal.Features.Anonymization;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Automation;

/// <summary>
/// The Anonymize step, done by the Anonymization feature's service (same profiles, pseudonyms, provenance and audit as
/// the Anonymize basket). Returns the target that the rule's next steps act on: the anonymized copy.
/// </summary>
public sealed class AutomationAnonymizer(AnonymizationService anonymization, RuleContextLoader loader, OrthancClient orthanc)
{
    /// <returns>The Orthanc id of the anonymized study.</returns>
    public Task<string> AnonymizeAsync(RuleTarget target, string profileId, Actor actor, CancellationToken ct)
        => anonymization.AnonymizeAsync(target.Level, target.ResourceId, profileId, AnonymizationOverrides.None, actor, ct: ct);

    /// <summary>The copy at the level the rule works on: a series rule goes on with the copy's (only) series.</summary>
    public async Task<RuleTarget> LoadCopyAsync(ResourceLevel level, string copyStudyId, CancellationToken ct)
    {
        if (level == ResourceLevel.Study) return await loader.LoadAsync(ResourceLevel.Study, copyStudyId, ct);
        var series = await orthanc.GetStudySeriesAsync(copyStudyId, ct);
        return await loader.LoadAsync(ResourceLevel.Series, series.Single().ID, ct);
    }
}
