using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Automation;

/// <summary>Which files in the rules folder are rules, and what they are called (autorthanc's conventions).</summary>
public static class RuleFileNames
{
    /// <summary>*.json, except names that start with "master" or contain "template" (the shipped examples).</summary>
    public static bool IsRuleFile(string path)
    {
        var name = Path.GetFileName(path);
        return name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            && !name.StartsWith("master", StringComparison.OrdinalIgnoreCase)
            && !name.Contains("template", StringComparison.OrdinalIgnoreCase)
            && !name.StartsWith('.');
    }

    /// <summary>The rule id is the file name without its extension; it also names the rule's output folder.</summary>
    public static string RuleId(string path) => Path.GetFileNameWithoutExtension(path);
}

/// <summary>
/// Reads and writes autorthanc's rule JSON: CheckOn, IsActive (default false), Comment, Tags[{TagName, Level, Value}],
/// Action (DOWNLOAD | FORWARD), DestinationModality. The portal's extras are optional keys a plain autorthanc file
/// never has: Tags[].Operator, Actions (an ordered list that replaces Action when present; an AnonymizeKeepOnlyCopy step
/// has ProfileId, PseudonymProject and DoneLabel), and Sources (the TriggerSources object; absent = the settings' sources).
/// </summary>
public sealed class RuleFileFormat
{
    // Not static only so that the localizer can name it. A problem is made like a localized text, L[english, values]: the exception
    // keeps the key and values, so the automation page (one snapshot for every user) shows it in each reader's language.
    private static readonly IStringLocalizer<RuleFileFormat> Texts = PortalText.For<RuleFileFormat>();
    private static readonly Problems L = new();

    private RuleFileFormat() { }

    private sealed class Problems
    {
        public RuleFileException this[string key, params object?[] args] => new(key, args);
    }

    /// <summary>A problem's text in the current UI language.</summary>
    public static string Localize(string key, IReadOnlyList<object?> args) => args.Count == 0 ? Texts[key] : Texts[key, [.. args.Select(a => a ?? "")]];
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static AutomationRule Parse(string json, string ruleId)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, new JsonNodeOptions { PropertyNameCaseInsensitive = true },
                new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }) as JsonObject
                ?? throw L["The file must hold one JSON object."];
        }
        catch (JsonException ex)
        {
            throw L["Not valid JSON at line {0}: {1}", (ex.LineNumber ?? 0) + 1, ex.Message];
        }

        var checkOn = ParseEnum(Text(root, "CheckOn") ?? "Study", "CheckOn", CheckOn.Study);
        var isActive = root["IsActive"] switch
        {
            null => false,
            JsonValue v when v.TryGetValue<bool>(out var b) => b,
            _ => throw L["IsActive must be true or false."],
        };
        var conditions = new List<RuleCondition>();
        if (root["Tags"] is JsonArray tags)
        {
            foreach (var (node, i) in tags.Select((n, i) => (n, i)))
            {
                if (node is not JsonObject tag) throw L["Tags[{0}] must be an object.", i];
                var name = Text(tag, "TagName");
                if (string.IsNullOrWhiteSpace(name)) throw L["Tags[{0}] has no TagName.", i];
                var levelText = Text(tag, "Level");
                var level = string.IsNullOrWhiteSpace(levelText) ? DefaultLevel(name) : ParseEnum(levelText, $"Tags[{i}].Level", TagLevel.Study);
                var op = ParseEnum(Text(tag, "Operator") ?? "Contains", $"Tags[{i}].Operator", ConditionOperator.Contains);
                conditions.Add(new RuleCondition(name.Trim(), level, op, Text(tag, "Value") ?? ""));
            }
        }
        else if (root["Tags"] is not null)
        {
            throw L["Tags must be a list."];
        }

        var actions = root["Actions"] is JsonArray list ? ParseActions(list) : ParseSeedAction(root);
        var comment = Text(root, "Comment") ?? "";
        return new AutomationRule(AutomationRule.FileKey(ruleId), ruleId, RuleSource.File, Text(root, "Name") ?? ruleId, comment,
            checkOn, isActive, conditions, actions, ParseSources(root["Sources"]));
    }

    private static Orthanc.TriggerSources? ParseSources(JsonNode? node)
    {
        if (node is null) return null;
        if (node is not JsonObject) throw L["Sources must be an object, e.g. { \"ReceivedByDicom\": true, \"CallingAets\": \"CT1\" }."];
        Orthanc.TriggerSources sources;
        try
        {
            sources = node.Deserialize<Orthanc.TriggerSources>(new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        }
        catch (JsonException ex)
        {
            throw L["Sources: {0}", ex.Message];
        }
        return sources.Problem() is { } problem ? throw L["Sources: {0}", problem] : sources;
    }

    private static List<RuleAction> ParseSeedAction(JsonObject root)
    {
        var action = (Text(root, "Action") ?? "DOWNLOAD").Trim().ToUpperInvariant();
        return action switch
        {
            "DOWNLOAD" => [new RuleAction(ActionKind.Download)],
            "FORWARD" => [new RuleAction(ActionKind.Forward)
            {
                Target = ForwardTarget.Modality,
                Destination = Text(root, "DestinationModality") is { Length: > 0 } d ? d : throw L["A FORWARD rule needs DestinationModality."],
            }],
            _ => throw L["Action must be DOWNLOAD or FORWARD, not '{0}'.", action],
        };
    }

    private static List<RuleAction> ParseActions(JsonArray list)
    {
        var actions = new List<RuleAction>();
        foreach (var (node, i) in list.Select((n, i) => (n, i)))
        {
            if (node is not JsonObject a) throw L["Actions[{0}] must be an object.", i];
            var kind = ParseEnum(Text(a, "Kind") ?? "", $"Actions[{i}].Kind", ActionKind.Download);
            actions.Add(new RuleAction(kind)
            {
                OutputFolder = Text(a, "OutputFolder"),
                ProfileId = Text(a, "ProfileId"),
                DeleteAnonymizedCopy = a["DeleteAnonymizedCopy"] is JsonValue v && v.TryGetValue<bool>(out var b) && b,
                Target = ParseEnum(Text(a, "Target") ?? "Modality", $"Actions[{i}].Target", ForwardTarget.Modality),
                Destination = Text(a, "Destination"),
                PseudonymProject = Text(a, "PseudonymProject"),
                DoneLabel = Text(a, "DoneLabel"),
            });
        }
        return actions;
    }

    /// <summary>
    /// Writes a rule in the file format. A rule that a plain autorthanc could run (one download, or one forward to a
    /// modality, contains-only conditions) is written with only autorthanc's keys; anything richer adds Actions/Operator.
    /// </summary>
    public static string Export(AutomationRule rule)
    {
        var root = new JsonObject
        {
            ["Name"] = rule.Name,
            ["CheckOn"] = rule.CheckOn.ToString(),
            ["IsActive"] = rule.IsActive,
            ["Comment"] = rule.Comment,
        };
        var tags = new JsonArray();
        foreach (var c in rule.Conditions)
        {
            var tag = new JsonObject { ["TagName"] = c.TagName, ["Level"] = c.Level.ToString(), ["Value"] = c.Value };
            if (c.Operator != ConditionOperator.Contains) tag["Operator"] = c.Operator.ToString();
            tags.Add(tag);
        }
        root["Tags"] = tags;
        if (rule.Sources is not null) root["Sources"] = JsonSerializer.SerializeToNode(rule.Sources);

        var first = rule.Actions.FirstOrDefault();
        if (rule.Actions.Count == 1 && first!.Kind == ActionKind.Download && string.IsNullOrWhiteSpace(first.OutputFolder))
        {
            root["Action"] = "DOWNLOAD";
        }
        else if (rule.Actions.Count == 1 && first!.Kind == ActionKind.Forward && first.Target == ForwardTarget.Modality)
        {
            root["Action"] = "FORWARD";
            root["DestinationModality"] = first.Destination;
        }
        else
        {
            var actions = new JsonArray();
            foreach (var a in rule.Actions)
            {
                var o = new JsonObject { ["Kind"] = a.Kind.ToString() };
                if (!string.IsNullOrWhiteSpace(a.OutputFolder)) o["OutputFolder"] = a.OutputFolder;
                if (a.Kind == ActionKind.Anonymize) { o["ProfileId"] = a.ProfileId; o["DeleteAnonymizedCopy"] = a.DeleteAnonymizedCopy; }
                if (a.Kind == ActionKind.Forward) { o["Target"] = a.Target.ToString(); o["Destination"] = a.Destination; }
                if (a.Kind == ActionKind.AnonymizeKeepOnlyCopy)
                {
                    o["ProfileId"] = a.ProfileId;
                    o["PseudonymProject"] = a.PseudonymProject;
                    if (!string.IsNullOrWhiteSpace(a.DoneLabel)) o["DoneLabel"] = a.DoneLabel;
                }
                actions.Add(o);
            }
            root["Actions"] = actions;
        }
        return root.ToJsonString(Indented);
    }

    /// <summary>Without a Level (autorthanc marked it "TO REMOVE"), the keyword tells where the tag lives.</summary>
    public static TagLevel DefaultLevel(string tagName)
    {
        var name = tagName.Trim();
        if (name.StartsWith("Patient", StringComparison.OrdinalIgnoreCase) && !name.Equals("PatientAge", StringComparison.OrdinalIgnoreCase)) return TagLevel.Patient;
        return SeriesKeywords.Contains(name) ? TagLevel.Series : TagLevel.Study;
    }

    private static readonly HashSet<string> SeriesKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "Modality", "SeriesDescription", "SeriesNumber", "SeriesDate", "SeriesTime", "SeriesInstanceUID", "BodyPartExamined",
        "ProtocolName", "Manufacturer", "StationName", "OperatorsName", "SequenceName", "ImageOrientationPatient",
        "PerformedProcedureStepDescription", "ContrastBolusAgent", "CardiacNumberOfImages", "ImagesInAcquisition",
    };

    private static string? Text(JsonObject o, string key) => o[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => throw L["{0} must be a text value.", key],
    };

    private static T ParseEnum<T>(string text, string field, T _) where T : struct, Enum
        => Enum.TryParse<T>(text.Trim(), ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw L["{0} must be one of {1}, not '{2}'.", field, string.Join(", ", Enum.GetNames<T>()), text];
}

/// <summary>
/// A rule file that cannot be read, and why: <see cref="Exception.Message"/> in English (logs), <see cref="Localized"/> in
/// the current UI language, formatted when it is read.
/// </summary>
public sealed class RuleFileException(string key, IReadOnlyList<object?> args)
    : FormatException(args.Count == 0 ? key : string.Format(CultureInfo.InvariantCulture, key, [.. args]))
{
    public string Key => key;
    public IReadOnlyList<object?> Args => args;
    public string Localized() => RuleFileFormat.Localize(key, args);
}
