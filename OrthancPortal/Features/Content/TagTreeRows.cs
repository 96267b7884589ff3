namespace OrthancPortal.Features.Content;

/// <summary>One line of the tag tree as drawn: an element, or the heading of one item of an open sequence.</summary>
/// <param name="Key">The element's path ("0008,1140/1/0008,1155"): sequences open and close by it.</param>
/// <param name="Node">The element; null for an item heading.</param>
/// <param name="ItemNumber">For an item heading: its number, from 1.</param>
public sealed record TagTreeRow(string Key, int Depth, TagNode? Node, int ItemNumber = 0);

/// <summary>
/// The rows of the tag tree with the open sequences' items under them. The filter picks top-level elements by tag,
/// name or value; an open sequence shows its items in full.
/// </summary>
public static class TagTreeRows
{
    public static IReadOnlyList<TagTreeRow> Flatten(IReadOnlyList<TagNode> nodes, IReadOnlySet<string> open, string? filter = null)
    {
        var rows = new List<TagTreeRow>();
        Add(rows, nodes.Where(n => Matches(n, filter)), "", 0, open);
        return rows;
    }

    /// <summary>The keys of every sequence, at any depth ("open all").</summary>
    public static IReadOnlySet<string> AllSequences(IReadOnlyList<TagNode> nodes)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        void Walk(IEnumerable<TagNode> level, string prefix)
        {
            foreach (var n in level.Where(n => n.IsSequence))
            {
                var key = prefix + n.Tag;
                keys.Add(key);
                for (var i = 0; i < n.Items.Count; i++) Walk(n.Items[i], $"{key}/{i + 1}/");
            }
        }
        Walk(nodes, "");
        return keys;
    }

    public static bool Matches(TagNode n, string? filter) => string.IsNullOrWhiteSpace(filter)
        || n.Tag.Contains(filter.Trim(), StringComparison.OrdinalIgnoreCase) || n.Name.Contains(filter.Trim(), StringComparison.OrdinalIgnoreCase)
        || (n.Value?.Contains(filter.Trim(), StringComparison.OrdinalIgnoreCase) ?? false);

    private static void Add(List<TagTreeRow> rows, IEnumerable<TagNode> nodes, string prefix, int depth, IReadOnlySet<string> open)
    {
        foreach (var n in nodes)
        {
            var key = prefix + n.Tag;
            rows.Add(new TagTreeRow(key, depth, n));
            if (!n.IsSequence || !open.Contains(key)) continue;
            for (var i = 0; i < n.Items.Count; i++)
            {
                var itemKey = $"{key}/{i + 1}";
                rows.Add(new TagTreeRow(itemKey, depth + 1, null, i + 1));
                Add(rows, n.Items[i], itemKey + "/", depth + 2, open);
            }
        }
    }
}
