using System.Text.Json.Nodes;

namespace OrthancPortal.Features.Content;

/// <summary>
/// One element of the full tag tree (GET /instances/{id}/tags). A sequence holds items, and each item holds
/// its own elements, as deep as the file goes.
/// </summary>
public sealed record TagNode(string Tag, string Name, string Type, string? Value, IReadOnlyList<IReadOnlyList<TagNode>> Items)
{
    public bool IsSequence => Type == "Sequence";

    public static IReadOnlyList<TagNode> FromOrthanc(JsonObject tags)
        => tags.Select(kv => FromElement(kv.Key, kv.Value as JsonObject)).OrderBy(n => n.Tag, StringComparer.Ordinal).ToList();

    private static TagNode FromElement(string tag, JsonObject? element)
    {
        var name = element?["Name"]?.GetValue<string>() ?? "";
        var type = element?["Type"]?.GetValue<string>() ?? "";
        var value = element?["Value"];
        return type switch
        {
            "Sequence" => new TagNode(tag, name, type, null,
                (value as JsonArray ?? []).Select(item => FromOrthanc(item as JsonObject ?? [])).ToList()),
            "String" => new TagNode(tag, name, type, value?.GetValue<string>() ?? "", []),
            "TooLong" => new TagNode(tag, name, type, "(too long to show)", []),
            "Null" => new TagNode(tag, name, type, "", []),
            _ => new TagNode(tag, name, type, value?.ToJsonString() ?? "", []),
        };
    }
}
