using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Scheduling;

namespace OrthancPortal.Features.Automation;

/// <summary>
/// Matches the active rules when a study or series becomes stable and queues the runs on <see cref="AutomationQueue"/>.
/// Only the cheap part happens here, so a big download never holds up the change feed's other subscribers (GDT,
/// burner, worklists). Each stable change is its own trigger (keyed by its sequence number): a study that gains images
/// after a run and becomes stable again is run again, while a change delivered twice (a crash before the feed's
/// cursor moved) is not.
/// </summary>
public sealed class AutomationSubscriber(RuleStore rules, AutomationDispatcher dispatcher, AutomationRunner runner, BackgroundJobs jobs,
    Settings.SettingsStore settings, StudyOriginClassifier origins) : IChangeSubscriber
{
    public string Name => "automation";

    public bool Wants(OrthancChange change) => change.ChangeType is ChangeTypes.StableStudy or ChangeTypes.StableSeries;

    public async Task HandleAsync(OrthancChange change, CancellationToken ct)
    {
        var checkOn = change.ChangeType == ChangeTypes.StableStudy ? CheckOn.Study : CheckOn.Series;
        var level = checkOn == CheckOn.Study ? ResourceLevel.Study : ResourceLevel.Series;
        // The files are read again on every stable event (as autorthanc does), so no edit is ever missed.
        var catalog = await rules.AllAsync(rereadFiles: true, ct);
        var candidates = catalog.Rules.Where(r => r.IsActive && r.CheckOn == checkOn).ToList();
        if (candidates.Count == 0) return;
        // Only studies from the sources a rule takes (its own, else the automation settings': by default sent by a
        // modality), so a prior retrieved from the PACS or the portal's own anonymized copy is not downloaded or forwarded again.
        var sources = (await settings.GetAsync<AutomationSettings>(ct)).Sources;
        try
        {
            var origin = checkOn == CheckOn.Study ? await origins.ClassifyStudyAsync(change.ID, ct) : await origins.ClassifySeriesAsync(change.ID, ct);
            candidates = candidates.Where(r => (r.Sources ?? sources).Accepts(origin)).ToList();
            if (candidates.Count == 0) return;
        }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound) { return; }
        if (await dispatcher.MatchAsync(candidates, level, change.ID, ct) is not { } match) return;
        foreach (var rule in match.Rules) await runner.QueueAsync(rule, match.Target, $"seq:{change.Seq}", ct);
        if (match.Rules.Count > 0) await jobs.WakeAsync<AutomationQueue>(ct);
    }
}

public sealed record RuleMatch(RuleTarget Target, IReadOnlyList<AutomationRule> Rules);

/// <summary>Evaluates rules on one resource and runs those that match, one after the other; a failing rule never stops the next.</summary>
public sealed class AutomationDispatcher(RuleContextLoader loader, AutomationRunner runner, IDbContextFactory<PortalDbContext> dbFactory,
    ILogger<AutomationDispatcher> logger)
{
    /// <returns>The resource and the rules that match it; null when it is gone or is a copy a rule made.</returns>
    public async Task<RuleMatch?> MatchAsync(IReadOnlyList<AutomationRule> candidates, ResourceLevel level, string resourceId, CancellationToken ct)
    {
        RuleTarget target;
        try
        {
            target = await loader.LoadAsync(level, resourceId, ct);
        }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound)
        {
            logger.LogInformation("{Level} {Id} was deleted before automation looked at it", level, resourceId);
            return null;
        }
        if (await IsAutomationCopyAsync(target.Study.ID, ct)) return null;
        return new RuleMatch(target, candidates.Where(r => RuleMatcher.Evaluate(r, target.Tags).Matches).ToList());
    }

    public async Task<IReadOnlyList<AutomationExecution>> RunMatchingAsync(IReadOnlyList<AutomationRule> candidates, ResourceLevel level, string resourceId,
        string triggerKey, Actor actor, CancellationToken ct)
    {
        if (await MatchAsync(candidates, level, resourceId, ct) is not { } match) return [];
        var runs = new List<AutomationExecution>();
        foreach (var rule in match.Rules)
        {
            var run = await runner.RunAsync(rule, match.Target, triggerKey, actor, ct);
            if (run is not null) runs.Add(run);
        }
        return runs;
    }

    /// <summary>An anonymized copy made by a rule becomes stable too; acting on it would anonymize the copy again, forever.</summary>
    private async Task<bool> IsAutomationCopyAsync(string studyId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<AutomationExecution>().AnyAsync(e => e.ProducedStudyId == studyId, ct);
    }
}
