using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Scheduling;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Automation;

/// <summary>
/// The queued rule executions of stable events (a persisted queue: <see cref="IPersistedQueue"/>), run one at a time
/// and oldest first. Runs a stop cut short (left "Running") are simply taken up again: their outputs are written
/// under temporary names, so running them again replaces rather than duplicates.
/// </summary>
public sealed class AutomationQueue(IServiceScopeFactory scopes, IDbContextFactory<PortalDbContext> dbFactory) : IPersistedQueue
{
    // Drained under the site's language (DrainQueueJob), like all automatic work.
    private static readonly IStringLocalizer<AutomationQueue> L = PortalText.For<AutomationQueue>();

    public Task RecoverAsync(CancellationToken ct) => Task.CompletedTask;

    public Task<bool> ProcessNextAsync(CancellationToken ct) => RunNextAsync(ct);

    /// <summary>Runs the oldest waiting execution; false when none waits.</summary>
    public async Task<bool> RunNextAsync(CancellationToken ct)
    {
        AutomationExecution? next;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // Only stable-event runs: a "Run again" task runs its own executions (trigger "manual:...").
            next = await db.Set<AutomationExecution>().AsNoTracking()
                .Where(e => (e.Outcome == ExecutionOutcome.Queued || e.Outcome == ExecutionOutcome.Running) && e.TriggerKey.StartsWith("seq:"))
                .OrderBy(e => e.Id).FirstOrDefaultAsync(ct);
        }
        if (next is null) return false;

        await using var scope = scopes.CreateAsyncScope();
        var runner = scope.ServiceProvider.GetRequiredService<AutomationRunner>();
        var rule = (await scope.ServiceProvider.GetRequiredService<RuleStore>().AllAsync(rereadFiles: true, ct)).Rules.FirstOrDefault(r => r.Key == next.RuleKey);
        if (rule is null || !rule.IsActive)
        {
            await runner.AbandonAsync(next, rule is null ? "The rule was deleted before it ran." : "The rule was disabled before it ran.", ct);
            return true;
        }
        RuleTarget target;
        try
        {
            target = await scope.ServiceProvider.GetRequiredService<RuleContextLoader>().LoadAsync(Enum.Parse<ResourceLevel>(next.ResourceLevel), next.ResourceId, ct);
        }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound)
        {
            await runner.AbandonAsync(next, next.ResourceLevel switch
            {
                nameof(ResourceLevel.Patient) => L["The patient was deleted from Orthanc before the rule ran."],
                nameof(ResourceLevel.Series) => L["The series was deleted from Orthanc before the rule ran."],
                nameof(ResourceLevel.Instance) => L["The instance was deleted from Orthanc before the rule ran."],
                _ => L["The study was deleted from Orthanc before the rule ran."],
            }, ct);
            return true;
        }
        await runner.RunAsync(rule, target, next.TriggerKey, Actor.System, ct);
        return true;
    }
}
