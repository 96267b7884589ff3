using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Automation;

/// <summary>A rule made on the rules page. Conditions and actions are JSON: they are always read and written whole.</summary>
public sealed class AutomationRuleRow
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string Comment { get; set; } = "";
    public CheckOn CheckOn { get; set; }
    public bool IsActive { get; set; }
    public string ConditionsJson { get; set; } = "[]";
    public string ActionsJson { get; set; } = "[]";
    /// <summary>The rule's own trigger sources as JSON; null = the automation settings' sources.</summary>
    public string? SourcesJson { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<AutomationRuleRow>
    {
        public void Configure(EntityTypeBuilder<AutomationRuleRow> e)
        {
            e.ToTable("AutomationRules");
            e.HasKey(x => x.Id);
            e.Property(x => x.Name).HasMaxLength(100);
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.CheckOn).HasConversion<string>().HasMaxLength(16);
        }
    }
}

public enum ExecutionOutcome { Queued, Running, Succeeded, Failed }

/// <summary>
/// One run of one rule on one resource, for one trigger. (RuleKey, ResourceId, TriggerKey) is unique: a trigger is
/// the stable change's sequence number ("seq:123") or a user's re-run ("manual:&lt;guid&gt;"), so each stable event
/// runs a rule at most once, and a study that gains images and becomes stable again is a new event.
/// </summary>
public sealed class AutomationExecution
{
    public long Id { get; set; }
    // Equal by id, so a live grid keeps a refreshed row (see RowIdentity).
    public override bool Equals(object? obj) => RowIdentity.SameRow(this, obj, Id, (obj as AutomationExecution)?.Id);
    public override int GetHashCode() => Id.GetHashCode();
    public string RuleKey { get; set; } = "";
    public string RuleName { get; set; } = "";
    public string ResourceLevel { get; set; } = "";
    public string ResourceId { get; set; } = "";
    public string ResourceLabel { get; set; } = "";
    public string TriggerKey { get; set; } = "";
    public ExecutionOutcome Outcome { get; set; }
    public DateTime StartedAt { get; set; }
    public long DurationMs { get; set; }
    public string? OutputPath { get; set; }
    public string? Error { get; set; }
    /// <summary>The anonymized copy an Anonymize step stored in Orthanc; its own stable events never trigger rules.</summary>
    public string? ProducedStudyId { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<AutomationExecution>
    {
        public void Configure(EntityTypeBuilder<AutomationExecution> e)
        {
            e.ToTable("AutomationExecutions");
            e.HasKey(x => x.Id);
            e.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(x => new { x.RuleKey, x.ResourceId, x.TriggerKey }).IsUnique();
            e.HasIndex(x => x.StartedAt);
            e.HasIndex(x => x.ProducedStudyId);
        }
    }
}

/// <summary>Pushed to the rules page when a run starts or ends.</summary>
public sealed record AutomationRunLogged(long ExecutionId, string RuleKey, ExecutionOutcome Outcome);

/// <summary>Pushed when the rule files or the portal's rules changed.</summary>
public sealed record AutomationRulesChanged;
