namespace OrthancPortal.Features.Automation;

public enum CheckOn { Study, Series }

public enum TagLevel { Patient, Study, Series }

public enum ConditionOperator { Contains, Equals, Regex, DateRange }

/// <summary><see cref="AnonymizeKeepOnlyCopy"/> is the anonymizing intake: the verified copy replaces the original.</summary>
public enum ActionKind { Download, Anonymize, Zip, Forward, AnonymizeKeepOnlyCopy }

public enum ForwardTarget { Modality, Peer }

public enum RuleSource { Portal, File }

/// <summary>One test on one DICOM tag. <see cref="Value"/> of a date range is a DICOM range: "20240101-20241231", "20240101-", "-20241231".</summary>
public sealed record RuleCondition(string TagName, TagLevel Level, ConditionOperator Operator, string Value);

/// <summary>
/// One step of a rule. Download/Zip write under <see cref="OutputFolder"/> (empty: the configured output folder);
/// Anonymize uses <see cref="ProfileId"/> and, with <see cref="DeleteAnonymizedCopy"/>, removes its copy from Orthanc
/// once the rule's later steps are done; Forward sends to <see cref="Destination"/>. AnonymizeKeepOnlyCopy anonymizes with
/// <see cref="ProfileId"/> and the pseudonyms of <see cref="PseudonymProject"/>, verifies the copy, labels it
/// <see cref="DoneLabel"/> and deletes the original once every step of the run has succeeded.
/// </summary>
public sealed record RuleAction(ActionKind Kind)
{
    public string? OutputFolder { get; init; }
    public string? ProfileId { get; init; }
    public bool DeleteAnonymizedCopy { get; init; }
    public ForwardTarget Target { get; init; } = ForwardTarget.Modality;
    public string? Destination { get; init; }
    public string? PseudonymProject { get; init; }
    public string? DoneLabel { get; init; }

    public bool Anonymizes => Kind is ActionKind.Anonymize or ActionKind.AnonymizeKeepOnlyCopy;

    public string Describe() => Kind switch
    {
        ActionKind.Download => $"Download to {(string.IsNullOrWhiteSpace(OutputFolder) ? "the output folder" : OutputFolder)}",
        ActionKind.Zip => $"Zip into {(string.IsNullOrWhiteSpace(OutputFolder) ? "the output folder" : OutputFolder)}",
        ActionKind.Anonymize => $"Anonymize with profile {ProfileId}{(DeleteAnonymizedCopy ? " (copy deleted afterwards)" : "")}",
        ActionKind.Forward => $"Forward to {Target.ToString().ToLowerInvariant()} {Destination}",
        ActionKind.AnonymizeKeepOnlyCopy => $"Anonymize with profile {ProfileId} and the pseudonyms of {PseudonymProject}, keep only the verified copy"
            + (string.IsNullOrWhiteSpace(DoneLabel) ? "" : $" (labelled {DoneLabel})"),
        _ => Kind.ToString(),
    };
}

/// <summary>
/// A rule from either source. <see cref="Key"/> identifies it in the run log ("portal:12" or "file:ct-head");
/// <see cref="Id"/> names its output folder (a file rule's id is its file name without extension, as in autorthanc).
/// <see cref="Sources"/>: where the studies come from that this rule takes; null = the automation settings' sources.
/// </summary>
public sealed record AutomationRule(
    string Key, string Id, RuleSource Source, string Name, string Comment, CheckOn CheckOn, bool IsActive,
    IReadOnlyList<RuleCondition> Conditions, IReadOnlyList<RuleAction> Actions, Orthanc.TriggerSources? Sources = null)
{
    public static string PortalKey(long id) => $"portal:{id}";
    public static string FileKey(string id) => $"file:{id}";
}
