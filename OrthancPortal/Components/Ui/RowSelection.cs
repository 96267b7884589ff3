namespace OrthancPortal.Components.Ui;

/// <summary>
/// Selected rows of a <see cref="DataTable{TItem}"/>, keyed by the table's row key so a selection survives paging
/// and reloads (a reloaded row is a new object with the same key).
/// </summary>
public sealed class RowSelection<TItem>(Func<TItem, object> keyOf)
{
    // Insertion order is kept so SelectedItems lists rows in the order the user picked them.
    private readonly Dictionary<object, TItem> selected = [];
    private readonly List<object> order = [];

    public int Count => selected.Count;
    public IReadOnlyList<TItem> Items => order.Select(k => selected[k]).ToList();

    public bool IsSelected(TItem item) => selected.ContainsKey(keyOf(item));

    public void Toggle(TItem item, bool on)
    {
        var key = keyOf(item);
        if (on)
        {
            if (selected.TryAdd(key, item)) order.Add(key);
            else selected[key] = item;
        }
        else if (selected.Remove(key))
        {
            order.Remove(key);
        }
    }

    public bool AllSelected(IReadOnlyCollection<TItem> page) => page.Count > 0 && page.All(IsSelected);
    public bool SomeSelected(IReadOnlyCollection<TItem> page) => page.Any(IsSelected);

    public void SetAll(IEnumerable<TItem> page, bool on)
    {
        foreach (var item in page) Toggle(item, on);
    }

    public void Clear()
    {
        selected.Clear();
        order.Clear();
    }

    /// <summary>Replaces the selection, e.g. when a parent binds a new list to SelectedItems.</summary>
    public void Reset(IEnumerable<TItem> items)
    {
        Clear();
        SetAll(items, true);
    }

    /// <summary>Swaps selected objects for the freshly loaded ones with the same key, so callers see current data.</summary>
    public void Refresh(IEnumerable<TItem> loaded)
    {
        foreach (var item in loaded)
        {
            var key = keyOf(item);
            if (selected.ContainsKey(key)) selected[key] = item;
        }
    }
}
