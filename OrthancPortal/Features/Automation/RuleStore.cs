using System.Text.Json;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Live;

namespace OrthancPortal.Features.Automation;

public sealed record RuleCatalog(IReadOnlyList<AutomationRule> Rules, IReadOnlyList<RuleFileError> FileErrors, string RulesFolder);

public sealed record RuleSaveResult(bool Succeeded, IReadOnlyList<string> Errors, long? Id = null)
{
    public static RuleSaveResult Fail(params string[] errors) => new(false, errors);
}

/// <summary>
/// All rules: the portal's own (edited on the rules page, kept in the database) and the rule files. File rules are
/// changed by editing their files; the page shows them, tests them, and exports any rule in the file format.
/// </summary>
public sealed class RuleStore(IDbContextFactory<PortalDbContext> dbFactory, RuleFileSource files, AuditLog audit, ActorContext actors,
    LiveNotifier notifier, TimeProvider clock)
{
    private static readonly RuleInput.Validator Validator = new();

    /// <param name="rereadFiles">True on every stable event (autorthanc re-reads its files each time; here only a changed folder is parsed again); the page uses the watcher's snapshot.</param>
    public async Task<RuleCatalog> AllAsync(bool rereadFiles = false, CancellationToken ct = default)
    {
        var snapshot = rereadFiles || files.Current.Folder.Length == 0 ? await files.ReloadAsync(force: !rereadFiles, ct) : files.Current;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Set<AutomationRuleRow>().AsNoTracking().OrderBy(r => r.Name).ToListAsync(ct);
        return new RuleCatalog([.. rows.Select(ToRule), .. snapshot.Rules], snapshot.Errors, snapshot.Folder);
    }

    /// <summary>The rules grid's sort columns (named like <see cref="AutomationRule"/>'s properties); by default the portal's rules, then the files, each by name.</summary>
    private static readonly SortKeys<AutomationRule> Sort = new SortKeys<AutomationRule>(q => q.OrderBy(r => r.Source).ThenBy(r => r.Name).ThenBy(r => r.Key), q => q.ThenBy(r => r.Key))
        .Add(nameof(AutomationRule.Name), r => r.Name)
        .Add(nameof(AutomationRule.CheckOn), r => r.CheckOn)
        .Add(nameof(AutomationRule.IsActive), r => r.IsActive)
        .Add(nameof(AutomationRule.Source), r => r.Source);

    /// <summary>One page of all rules (the portal's and the files'), filtered by a text and sorted here: the files are a snapshot in memory, not a table.</summary>
    public async Task<PageOf<AutomationRule>> PageAsync(PageRequest request, string? search, CancellationToken ct = default)
        => Page((await AllAsync(false, ct)).Rules, request, search);

    /// <summary>
    /// The rules whose name, comment, file name, condition (tag or value) or action contains <paramref name="search"/>
    /// (any case), as one page in the requested order.
    /// </summary>
    public static PageOf<AutomationRule> Page(IEnumerable<AutomationRule> rules, PageRequest request, string? search)
    {
        if (search?.Trim() is { Length: > 0 } text)
        {
            bool Has(string? value) => value?.Contains(text, StringComparison.CurrentCultureIgnoreCase) == true;
            rules = rules.Where(r => Has(r.Name) || Has(r.Comment) || Has(r.Id)
                || r.Conditions.Any(c => Has(c.TagName) || Has(c.Value)) || r.Actions.Any(a => Has(a.Describe())));
        }
        return rules.ToPage(request, Sort);
    }

    public async Task<AutomationRule?> FindAsync(string key, CancellationToken ct = default)
        => (await AllAsync(false, ct)).Rules.FirstOrDefault(r => r.Key == key);

    public async Task<RuleSaveResult> SaveAsync(long? id, RuleInput input, CancellationToken ct = default)
    {
        var validation = await Validator.ValidateAsync(input, ct);
        if (!validation.IsValid) return new RuleSaveResult(false, validation.Errors.Select(e => e.ErrorMessage).Distinct().ToList());
        var actor = await actors.GetAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var name = input.Name.Trim();
        if (await db.Set<AutomationRuleRow>().AnyAsync(r => r.Name == name && r.Id != (id ?? 0), ct)) return RuleSaveResult.Fail($"A rule named '{name}' already exists.");
        AutomationRuleRow? row;
        if (id is null)
        {
            row = new AutomationRuleRow();
            db.Add(row);
        }
        else
        {
            row = await db.Set<AutomationRuleRow>().FirstOrDefaultAsync(r => r.Id == id, ct);
            if (row is null) return RuleSaveResult.Fail("That rule no longer exists.");
        }
        var before = row.Id == 0 ? null : Describe(ToRule(row));
        row.Name = name;
        row.Comment = input.Comment.Trim();
        row.CheckOn = input.CheckOn;
        row.IsActive = input.IsActive;
        row.ConditionsJson = JsonSerializer.Serialize(input.ToConditions(), RuleJson.Options);
        row.ActionsJson = JsonSerializer.Serialize(input.ToActions(), RuleJson.Options);
        row.SourcesJson = input.Sources is null ? null : JsonSerializer.Serialize(input.Sources, RuleJson.Options);
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        row.UpdatedBy = actor.UserName;
        await db.SaveChangesAsync(ct);
        var after = Describe(ToRule(row));
        await audit.WriteAsync(actor, id is null ? "automation.rule.create" : "automation.rule.update", $"automation-rule:{row.Id}",
            before is null ? after : $"{before} -> {after}", ct: ct);
        notifier.Publish(new AutomationRulesChanged());
        return new RuleSaveResult(true, [], row.Id);
    }

    public async Task<bool> SetActiveAsync(long id, bool active, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Set<AutomationRuleRow>().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (row is null) return false;
        row.IsActive = active;
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        row.UpdatedBy = (await actors.GetAsync()).UserName;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(active ? "automation.rule.enable" : "automation.rule.disable", $"automation-rule:{id}", row.Name, ct: ct);
        notifier.Publish(new AutomationRulesChanged());
        return true;
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Set<AutomationRuleRow>().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (row is null) return false;
        db.Remove(row);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync("automation.rule.delete", $"automation-rule:{id}", Describe(ToRule(row)), ct: ct);
        notifier.Publish(new AutomationRulesChanged());
        return true;
    }

    public static AutomationRule ToRule(AutomationRuleRow row) => new(
        AutomationRule.PortalKey(row.Id), row.Name, RuleSource.Portal, row.Name, row.Comment, row.CheckOn, row.IsActive,
        JsonSerializer.Deserialize<List<RuleCondition>>(row.ConditionsJson, RuleJson.Options) ?? [],
        JsonSerializer.Deserialize<List<RuleAction>>(row.ActionsJson, RuleJson.Options) ?? [],
        row.SourcesJson is null ? null : JsonSerializer.Deserialize<Orthanc.TriggerSources>(row.SourcesJson, RuleJson.Options));

    /// <summary>One line for the audit log: the whole rule in the file format, without indentation.</summary>
    private static string Describe(AutomationRule rule)
        => JsonSerializer.Serialize(JsonDocument.Parse(RuleFileFormat.Export(rule)).RootElement);

    /// <summary>Parses a portal rule id out of its key ("portal:12").</summary>
    public static long? PortalId(string key)
        => key.StartsWith("portal:", StringComparison.Ordinal) && long.TryParse(key.AsSpan(7), out var id) ? id : null;
}
