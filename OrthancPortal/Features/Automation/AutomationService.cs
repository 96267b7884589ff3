using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Settings;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Automation;

public sealed record DryRunTarget(string Resource, bool Matches, IReadOnlyList<ConditionResult> Conditions, IReadOnlyList<string> Plan);

public sealed record DryRunReport(string Study, IReadOnlyList<DryRunTarget> Targets);

public sealed record RunAgainPayload(string StudyId, string? RuleKey);

/// <summary>What the rules page and the API do besides editing rules: the run log, dry runs, and "Run again".</summary>
public sealed class AutomationService(
    IDbContextFactory<PortalDbContext> dbFactory,
    RuleStore rules,
    RuleContextLoader loader,
    OrthancClient orthanc,
    AutomationRunner runner,
    SettingsStore settings,
    TaskQueue tasks,
    AuditLog audit,
    ActorContext actors)
{
    public const string RunAgainTaskType = "automation.run-again";

    public async Task<IReadOnlyList<AutomationExecution>> RecentRunsAsync(int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<AutomationExecution>().AsNoTracking().OrderByDescending(e => e.StartedAt).ThenByDescending(e => e.Id).Take(take).ToListAsync(ct);
    }

    /// <summary>An Orthanc study id, or a StudyInstanceUID that Orthanc knows.</summary>
    public async Task<string?> ResolveStudyAsync(string reference, CancellationToken ct = default)
    {
        var text = reference.Trim();
        if (text.Length == 0) return null;
        if (text.Length == 44 && text.All(c => char.IsAsciiHexDigit(c) || c == '-'))
        {
            try { return (await orthanc.GetStudyAsync(text, ct)).ID; }
            catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound) { return null; }
        }
        if (text.Length > 64 || !text.All(c => char.IsAsciiDigit(c) || c == '.')) return null;
        var found = await orthanc.LookupAsync(text, ct);
        return found.FirstOrDefault(f => f.Type == "Study")?.ID;
    }

    /// <summary>"Test this rule against a study": which conditions pass, and what would be written where. Nothing is written.</summary>
    public async Task<DryRunReport> DryRunAsync(AutomationRule rule, string studyId, CancellationToken ct = default)
    {
        var study = await loader.LoadAsync(ResourceLevel.Study, studyId, ct);
        var s = await settings.GetAsync<AutomationSettings>(ct);
        var targets = new List<DryRunTarget>();
        if (rule.CheckOn == CheckOn.Study)
        {
            targets.Add(Describe(rule, study, s));
        }
        else
        {
            foreach (var series in study.Series) targets.Add(Describe(rule, await loader.LoadAsync(ResourceLevel.Series, series.ID, ct), s));
        }
        return new DryRunReport(study.Label, targets);
    }

    private DryRunTarget Describe(AutomationRule rule, RuleTarget target, AutomationSettings s)
    {
        var match = RuleMatcher.Evaluate(rule, target.Tags);
        var plan = new List<string>();
        var anonymized = false;
        foreach (var action in rule.Actions)
        {
            var name = DownloadLayout.TargetName(target);
            var note = anonymized ? " (named from the anonymized copy's tags, so the real name differs)" : "";
            switch (action.Kind)
            {
                case ActionKind.Download:
                case ActionKind.Zip:
                    var root = runner.OutputRoot(action, s);
                    var folder = DownloadLayout.RuleFolder(root, rule.Id);
                    var missing = !Directory.Exists(root) && !(string.IsNullOrWhiteSpace(action.OutputFolder) && s.UsesDefaultOutput)
                        ? $" — the output folder {root} does not exist, so this step would fail" : "";
                    plan.Add(action.Kind == ActionKind.Download
                        ? $"Download to {Path.Combine(folder, name)} (written as {name}{DownloadLayout.WorkingSuffix} first){note}{missing}"
                        : $"Zip to {Path.Combine(folder, name + ".zip")}{note}{missing}");
                    break;
                case ActionKind.Anonymize:
                    anonymized = true;
                    plan.Add($"Anonymize with profile {action.ProfileId}; the next steps act on the anonymized copy{(action.DeleteAnonymizedCopy ? ", which is deleted at the end" : ", which is kept")}");
                    break;
                case ActionKind.AnonymizeKeepOnlyCopy:
                    anonymized = true;
                    plan.Add($"Anonymize with profile {action.ProfileId} and the pseudonyms of {action.PseudonymProject}, check the copy"
                        + (string.IsNullOrWhiteSpace(action.DoneLabel) ? "" : $", label it {action.DoneLabel}")
                        + "; the next steps act on the copy; once all succeeded, the original is deleted");
                    break;
                case ActionKind.Forward:
                    plan.Add($"Send to {action.Target.ToString().ToLowerInvariant()} {action.Destination}");
                    break;
            }
        }
        return new DryRunTarget(target.Label, match.Matches, match.Conditions, match.Matches ? plan : []);
    }

    /// <summary>
    /// Runs the rules on a study again, as if it had just become stable (autorthanc's force-stable signal): study rules
    /// on the study, series rules on each series. Only <paramref name="ruleKey"/> when given (even if it is disabled).
    /// </summary>
    public async Task<long> RunAgainAsync(string studyId, string? ruleKey, CancellationToken ct = default)
    {
        var study = await orthanc.GetStudyAsync(studyId, ct);
        if (ruleKey is not null && await rules.FindAsync(ruleKey, ct) is null) throw new AutomationRunException($"There is no rule '{ruleKey}'.");
        var actor = await actors.GetAsync();
        var id = await tasks.EnqueueAsync(RunAgainTaskType, new RunAgainPayload(study.ID, ruleKey),
            $"Automation: run {(ruleKey is null ? "all rules" : ruleKey)} again on {study.Tag("PatientName")} {study.Tag("StudyDescription")}", actor, ct);
        await audit.WriteAsync(actor, "automation.run-again", $"study:{study.ID}", ruleKey ?? "all active rules", ct: ct);
        return id;
    }
}

/// <summary>The background half of "Run again". Its trigger key is the task id, so a resumed task skips rules it already ran.</summary>
public sealed class RunAgainTaskHandler(RuleStore rules, AutomationDispatcher dispatcher, OrthancClient orthanc) : ITaskHandler
{
    public string Type => AutomationService.RunAgainTaskType;
    public bool Resumable => true;

    public async Task<string?> RunAsync(TaskRun run, CancellationToken ct)
    {
        var payload = run.Payload<RunAgainPayload>();
        var catalog = await rules.AllAsync(rereadFiles: true, ct);
        var chosen = payload.RuleKey is null
            ? catalog.Rules.Where(r => r.IsActive).ToList()
            : catalog.Rules.Where(r => r.Key == payload.RuleKey).ToList();
        if (chosen.Count == 0) throw new TaskFailedException(payload.RuleKey is null ? "No rule is active." : $"The rule '{payload.RuleKey}' no longer exists.");
        var trigger = $"manual:{run.TaskId}";
        var runs = new List<AutomationExecution>();
        var studyRules = chosen.Where(r => r.CheckOn == CheckOn.Study).ToList();
        if (studyRules.Count > 0) runs.AddRange(await dispatcher.RunMatchingAsync(studyRules, ResourceLevel.Study, payload.StudyId, trigger, run.Owner, ct));
        var seriesRules = chosen.Where(r => r.CheckOn == CheckOn.Series).ToList();
        if (seriesRules.Count > 0)
        {
            var series = await orthanc.GetStudySeriesAsync(payload.StudyId, ct);
            for (var i = 0; i < series.Count; i++)
            {
                runs.AddRange(await dispatcher.RunMatchingAsync(seriesRules, ResourceLevel.Series, series[i].ID, trigger, run.Owner, ct));
                await run.Progress.ReportAsync((i + 1.0) / series.Count, $"series {i + 1} of {series.Count}");
            }
        }
        var failed = runs.Where(r => r.Outcome == ExecutionOutcome.Failed).ToList();
        if (failed.Count > 0) throw new TaskFailedException(string.Join("; ", failed.Select(f => $"{f.RuleName}: {f.Error}")));
        return runs.Count == 0 ? "No rule matched." : $"{runs.Count} run(s) succeeded.";
    }
}
