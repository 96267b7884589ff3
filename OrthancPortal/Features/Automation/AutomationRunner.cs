using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Live;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Automation;

/// <summary>
/// Runs one matched rule on one resource for one trigger, and records it. The record is made before the work
/// ("Running") and finished after it; a trigger already recorded as finished is not run again, and one left
/// "Running" by a crash runs again. Every output is written under a temporary name and renamed, so such a repeat
/// replaces what the first attempt wrote instead of duplicating it.
/// </summary>
public sealed class AutomationRunner(
    IDbContextFactory<PortalDbContext> dbFactory,
    OrthancClient orthanc,
    StudyFolderWriter folders,
    StudyZipWriter zips,
    AutomationAnonymizer anonymizer,
    AnonymizingIntake intake,
    SettingsStore settings,
    IOptions<PortalOptions> portal,
    LiveNotifier notifier,
    AuditLog audit,
    TimeProvider clock,
    ILogger<AutomationRunner> logger)
{
    // Robots and rules run without a request: under the site's language (PortalCultures.SiteDefault), or the language
    // of the user whose action this is (stopping a robot).
    private static readonly IStringLocalizer<AutomationRunner> L = PortalText.For<AutomationRunner>();

    /// <returns>The execution, or null when this trigger was already handled.</returns>
    public async Task<AutomationExecution?> RunAsync(AutomationRule rule, RuleTarget target, string triggerKey, Actor actor, CancellationToken ct)
    {
        var execution = await BeginAsync(rule, target, triggerKey, ct);
        if (execution is null) return null;
        var watch = Stopwatch.StartNew();
        var outputs = new List<string>();
        try
        {
            var s = await settings.GetAsync<AutomationSettings>(ct);
            await ExecuteAsync(rule, target, execution, s, outputs, actor, ct);
            execution.Outcome = ExecutionOutcome.Succeeded;
            execution.Error = null;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            execution.Outcome = ExecutionOutcome.Failed;
            execution.Error = Reason(ex);
            logger.LogWarning("Automation rule {Rule} failed on {Level} {Id}: {Reason}", rule.Name, target.Level, target.ResourceId, execution.Error);
        }
        execution.DurationMs = watch.ElapsedMilliseconds;
        execution.OutputPath = outputs.Count == 0 ? null : string.Join("\n", outputs);
        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None))
        {
            db.Update(execution);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        // Patient data left the archive (files, zip, another node): that is audited like a user's export.
        await audit.WriteAsync(actor, "automation.run", $"{target.Level.Path()}/{target.ResourceId}",
            $"{rule.Name} ({execution.TriggerKey}): {execution.Outcome}; {execution.Error ?? execution.OutputPath?.Replace('\n', ';') ?? "no output"}",
            execution.Outcome == ExecutionOutcome.Succeeded, CancellationToken.None);
        notifier.Publish(new AutomationRunLogged(execution.Id, rule.Key, execution.Outcome));
        return execution;
    }

    /// <summary>
    /// Records a matched rule as queued on <see cref="AutomationQueue"/>; false when this trigger is already recorded
    /// (a change delivered twice). The record is what makes the work survive a restart.
    /// </summary>
    public async Task<bool> QueueAsync(AutomationRule rule, RuleTarget target, string triggerKey, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Set<AutomationExecution>().AnyAsync(e => e.RuleKey == rule.Key && e.ResourceId == target.ResourceId && e.TriggerKey == triggerKey, ct)) return false;
        var execution = new AutomationExecution
        {
            RuleKey = rule.Key, RuleName = rule.Name, ResourceLevel = target.Level.ToString(), ResourceId = target.ResourceId,
            ResourceLabel = target.Label, TriggerKey = triggerKey, Outcome = ExecutionOutcome.Queued, StartedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Add(execution);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { return false; }
        notifier.Publish(new AutomationRunLogged(execution.Id, rule.Key, ExecutionOutcome.Queued));
        return true;
    }

    /// <summary>Ends a queued run that cannot start (its rule or resource is gone), with the reason.</summary>
    public async Task AbandonAsync(AutomationExecution execution, string reason, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Attach(execution);
        execution.Outcome = ExecutionOutcome.Failed;
        execution.Error = reason;
        await db.SaveChangesAsync(ct);
        notifier.Publish(new AutomationRunLogged(execution.Id, execution.RuleKey, ExecutionOutcome.Failed));
    }

    private async Task<AutomationExecution?> BeginAsync(AutomationRule rule, RuleTarget target, string triggerKey, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = await db.Set<AutomationExecution>()
            .FirstOrDefaultAsync(e => e.RuleKey == rule.Key && e.ResourceId == target.ResourceId && e.TriggerKey == triggerKey, ct);
        if (existing is { Outcome: ExecutionOutcome.Succeeded or ExecutionOutcome.Failed }) return null;
        var execution = existing ?? new AutomationExecution
        {
            RuleKey = rule.Key,
            ResourceLevel = target.Level.ToString(),
            ResourceId = target.ResourceId,
            TriggerKey = triggerKey,
        };
        execution.RuleName = rule.Name;
        execution.ResourceLabel = target.Label;
        execution.Outcome = ExecutionOutcome.Running;
        execution.StartedAt = clock.GetUtcNow().UtcDateTime;
        if (existing is null) db.Add(execution);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Someone else (a re-delivery racing with a manual run) recorded the same trigger first.
            return null;
        }
        notifier.Publish(new AutomationRunLogged(execution.Id, rule.Key, ExecutionOutcome.Running));
        return execution;
    }

    private async Task ExecuteAsync(AutomationRule rule, RuleTarget original, AutomationExecution execution, AutomationSettings s,
        List<string> outputs, Actor actor, CancellationToken ct)
    {
        var target = original;
        string? copyToDelete = null;
        string? originalToDelete = null;
        foreach (var action in rule.Actions)
        {
            switch (action.Kind)
            {
                case ActionKind.Anonymize:
                    target = await AnonymizeAsync(target, action, execution, actor, s, ct);
                    copyToDelete = action.DeleteAnonymizedCopy ? target.Study.ID : null;
                    outputs.Add($"anonymized copy: study {target.Study.ID}");
                    break;
                case ActionKind.AnonymizeKeepOnlyCopy:
                    target = await IntakeAsync(target, action, execution, actor, s, ct);
                    originalToDelete = original.Study.ID;
                    outputs.Add($"verified anonymized copy: study {target.Study.ID}");
                    break;
                case ActionKind.Download:
                    outputs.Add(await folders.WriteAsync(target, RuleFolder(rule, action, s), s.OwnerUid, s.OwnerGid, ct));
                    break;
                case ActionKind.Zip:
                    outputs.Add(await zips.WriteAsync(target, RuleFolder(rule, action, s), s.OwnerUid, s.OwnerGid, ct));
                    break;
                case ActionKind.Forward:
                    await ForwardAsync(target, action, s, ct);
                    outputs.Add($"{action.Target.ToString().ToLowerInvariant()} {action.Destination}");
                    break;
            }
        }
        if (copyToDelete is not null)
        {
            await orthanc.DeleteResourceAsync(ResourceLevel.Study, copyToDelete, ct);
            outputs.Add($"anonymized copy {copyToDelete} deleted");
        }
        // Last, and only when every step succeeded: a failure anywhere above leaves the original where it was.
        if (originalToDelete is not null)
        {
            await orthanc.DeleteResourceAsync(ResourceLevel.Study, originalToDelete, ct);
            await audit.WriteAsync(actor, "automation.intake", $"studies/{originalToDelete}",
                $"{rule.Name}: original deleted, replaced by the verified anonymized copy studies/{target.Study.ID}", ct: ct);
            outputs.Add($"original study {originalToDelete} deleted");
        }
    }

    /// <summary>
    /// The anonymizing intake: anonymize (or reuse the copy an interrupted attempt of this run made), verify, label.
    /// A copy that fails its check is deleted and the run fails with the reason; the original is never touched here.
    /// </summary>
    private async Task<RuleTarget> IntakeAsync(RuleTarget target, RuleAction action, AutomationExecution execution, Actor actor, AutomationSettings s, CancellationToken ct)
    {
        await intake.RequireLabelsAsync(action, ct);
        string copyStudyId;
        if (execution.ProducedStudyId is { } previous && await ExistsAsync(previous, ct))
        {
            copyStudyId = previous;
        }
        else
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(s.JobTimeoutMinutes));
            try
            {
                copyStudyId = await intake.AnonymizeAsync(target.Study.ID, action, actor, timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new AutomationRunException(L["Anonymization did not finish within {0} minutes; the original stays.", s.JobTimeoutMinutes]);
            }
            catch (Exception ex) when (ex is OrthancException or InvalidOperationException)
            {
                // The cleanup may fail for the same reason (Orthanc stopped): the run still says why it failed first.
                string cleanup;
                try
                {
                    cleanup = await intake.DeletePartialCopiesAsync(target.Study.ID, action, ct) > 0 ? L[" (the half-made copy Orthanc left was deleted)"] : "";
                }
                catch (OrthancException cleanupFailure)
                {
                    cleanup = L[" (a half-made copy could not be looked for: {0})", cleanupFailure.Message];
                }
                throw new AutomationRunException(L["Anonymization failed, the original stays: {0}{1}", ex.Message, cleanup]);
            }
            execution.ProducedStudyId = copyStudyId;
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            db.Update(execution);
            await db.SaveChangesAsync(ct);
        }
        try
        {
            await intake.VerifyAsync(target.Study.ID, copyStudyId, action, ct);
        }
        catch (AutomationRunException ex)
        {
            await orthanc.DeleteResourceAsync(ResourceLevel.Study, copyStudyId, ct);
            throw new AutomationRunException(L["The anonymized copy failed its check and was deleted; the original stays. {0}", ex.Message]);
        }
        catch (OrthancException ex)
        {
            throw new AutomationRunException(L["Orthanc failed while the anonymized copy was checked, the original stays: {0}{1}", ex.Message, await DeleteUnfinishedCopyAsync(copyStudyId, ct)]);
        }
        try
        {
            await intake.LabelAsync(copyStudyId, action, actor, ct);
            return await anonymizer.LoadCopyAsync(ResourceLevel.Study, copyStudyId, ct);
        }
        catch (OrthancException ex)
        {
            // A copy without its done label is one the intake did not finish: it goes, so "Run again" starts clean.
            throw new AutomationRunException(L["The verified copy could not be labelled '{0}', the original stays: {1}{2}", action.DoneLabel ?? "", ex.Message, await DeleteUnfinishedCopyAsync(copyStudyId, ct)]);
        }
    }

    /// <summary>Deletes a copy the intake did not finish; says in words what became of it (Orthanc may be the reason the run failed).</summary>
    private async Task<string> DeleteUnfinishedCopyAsync(string copyStudyId, CancellationToken ct)
    {
        try
        {
            await orthanc.DeleteResourceAsync(ResourceLevel.Study, copyStudyId, ct);
            return L[" (the unfinished copy was deleted)"];
        }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound)
        {
            return "";
        }
        catch (OrthancException ex)
        {
            return L[" (the unfinished copy, study {0}, could not be deleted: {1})", copyStudyId, ex.Message];
        }
    }

    /// <summary>
    /// Later steps act on the anonymized copy. Its id is recorded at once, so a repeat after a crash reuses that copy
    /// instead of making a second one.
    /// </summary>
    private async Task<RuleTarget> AnonymizeAsync(RuleTarget target, RuleAction action, AutomationExecution execution, Actor actor, AutomationSettings s, CancellationToken ct)
    {
        if (execution.ProducedStudyId is { } previous && await ExistsAsync(previous, ct))
        {
            return await anonymizer.LoadCopyAsync(target.Level, previous, ct);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(s.JobTimeoutMinutes));
        string copyStudyId;
        try
        {
            copyStudyId = await anonymizer.AnonymizeAsync(target, action.ProfileId!, actor, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new AutomationRunException(L["Anonymization did not finish within {0} minutes.", s.JobTimeoutMinutes]);
        }
        execution.ProducedStudyId = copyStudyId;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.Update(execution);
            await db.SaveChangesAsync(ct);
        }
        return await anonymizer.LoadCopyAsync(target.Level, copyStudyId, ct);
    }

    private async Task<bool> ExistsAsync(string studyId, CancellationToken ct)
    {
        try { await orthanc.GetStudyAsync(studyId, ct); return true; }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound) { return false; }
    }

    private async Task ForwardAsync(RuleTarget target, RuleAction action, AutomationSettings s, CancellationToken ct)
    {
        var destination = action.Destination ?? throw new AutomationRunException(L["The forward step names no destination."]);
        var job = action.Target == ForwardTarget.Peer
            ? await orthanc.StoreToPeerAsync(destination, [target.ResourceId], ct)
            : await orthanc.StoreToModalityAsync(destination, [target.ResourceId], ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(s.JobTimeoutMinutes));
        try
        {
            await orthanc.WaitForJobAsync(job.ID, ct: timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new AutomationRunException(L["Sending to {0} did not finish within {1} minutes (Orthanc job {2}).", destination, s.JobTimeoutMinutes, job.ID]);
        }
    }

    /// <summary>
    /// &lt;output&gt;/&lt;rule id&gt;. The portal's default output root is made on demand; a configured one must exist,
    /// so a missing mount fails the run with that reason instead of filling the system disk.
    /// </summary>
    public string RuleFolder(AutomationRule rule, RuleAction action, AutomationSettings s)
    {
        var root = OutputRoot(action, s);
        if (string.IsNullOrWhiteSpace(action.OutputFolder) && s.UsesDefaultOutput) Directory.CreateDirectory(root);
        if (!Directory.Exists(root)) throw new AutomationRunException(L["The output folder '{0}' does not exist.", root]);
        var folder = DownloadLayout.RuleFolder(root, rule.Id);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public string OutputRoot(RuleAction action, AutomationSettings s)
        => string.IsNullOrWhiteSpace(action.OutputFolder) ? s.ResolveOutputFolder(portal.Value) : portal.Value.Resolve(action.OutputFolder);

    private static string Reason(Exception ex) => ex switch
    {
        AutomationRunException or OrthancException or InvalidOperationException => ex.Message,
        UnauthorizedAccessException => L["The output folder is not writable: {0}", ex.Message],
        IOException => L["Writing the output failed: {0}", ex.Message],
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
