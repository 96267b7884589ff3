using System.Text.Json;

namespace OrthancPortal.Features.Tasks;

/// <summary>A link on the tasks page: what a task was about (<see cref="IsResult"/> false) or what it made.</summary>
public sealed record TaskLink(string Text, string Href, bool IsResult);

/// <summary>
/// Reads a task's payload and result (JSON written by its handler) for the pages they point to. It only reads: the
/// handlers' records stay theirs, and a payload it does not understand gives no links rather than an error.
/// </summary>
public static class TaskLinks
{
    private const int MaxLinks = 5;

    public static IReadOnlyList<TaskLink> For(PortalTask task)
    {
        try
        {
            List<TaskLink> links = task.Type switch
            {
                // qr.retrieve: the result is the local Orthanc study id.
                "qr.retrieve" => task.State == PortalTaskState.Succeeded && IsOrthancId(task.Result) ? [new TaskLink("Retrieved study", Href("Study", task.Result!), true)] : [],
                // content.modify: payload {Level, Id}; result {"ID", "Level"} of the modified copy.
                "content.modify" => Modify(task),
                // anonymize: payload Items [{Level, OrthancId, Label}]; result [{OriginalId, Label, AnonymizedStudyId}].
                "anonymize" => Anonymize(task),
                // automation.run-again: payload {StudyId}.
                "automation.run-again" => Object(task.Payload) is { } p && Text(p, "StudyId") is { } study && IsOrthancId(study) ? [new TaskLink("Study", Href("Study", study), false)] : [],
                _ => new List<TaskLink>(),
            };
            return links.Take(MaxLinks).ToList();
        }
        catch (JsonException) { return []; }
    }

    private static List<TaskLink> Modify(PortalTask task)
    {
        var links = new List<TaskLink>();
        if (Object(task.Payload) is { } p && Text(p, "Id") is { } id && IsOrthancId(id)) links.Add(new("Original", Href(Level(p), id), false));
        if (task.State == PortalTaskState.Succeeded && Object(task.Result) is { } r && Text(r, "ID") is { } copy && IsOrthancId(copy)) links.Add(new("Modified copy", Href(Level(r), copy), true));
        return links;
    }

    private static List<TaskLink> Anonymize(PortalTask task)
    {
        var links = new List<TaskLink>();
        if (task.Result is { Length: > 0 } && JsonDocument.Parse(task.Result).RootElement is { ValueKind: JsonValueKind.Array } results)
        {
            foreach (var r in results.EnumerateArray())
                if (Text(r, "AnonymizedStudyId") is { } copy && IsOrthancId(copy)) links.Add(new(Text(r, "Label") ?? "Anonymized study", Href("Study", copy), true));
        }
        if (Object(task.Payload) is { } p && p.TryGetProperty("Items", out var items) && items.ValueKind == JsonValueKind.Array)
        {
            foreach (var i in items.EnumerateArray().Take(MaxLinks))
                if (Text(i, "OrthancId") is { } original && IsOrthancId(original)) links.Add(new(Text(i, "Label") ?? "Original", Href(Level(i), original), false));
        }
        return links;
    }

    private static string Href(string level, string id) => level switch
    {
        "Patient" => $"content/patients/{id}",
        "Series" => $"content/series/{id}",
        _ => $"content/studies/{id}",
    };

    /// <summary>A level written as its name ("Series") or as the enum number (Patient 0, Study 1, Series 2).</summary>
    private static string Level(JsonElement e)
    {
        if (!e.TryGetProperty("Level", out var level)) return "Study";
        return level.ValueKind switch
        {
            JsonValueKind.String => level.GetString() ?? "Study",
            JsonValueKind.Number => level.GetInt32() switch { 0 => "Patient", 2 => "Series", _ => "Study" },
            _ => "Study",
        };
    }

    private static JsonElement? Object(string? json)
        => json is { Length: > 0 } && JsonDocument.Parse(json).RootElement is { ValueKind: JsonValueKind.Object } o ? o : null;

    private static string? Text(JsonElement e, string name)
        => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Orthanc ids are SHA-1 based: five groups of eight hex digits joined by '-'; anything else is not linked.</summary>
    public static bool IsOrthancId(string? id)
        => id is { Length: 44 } && id.Split('-') is { Length: 5 } parts && parts.All(p => p.Length == 8 && p.All(char.IsAsciiHexDigit));
}
