namespace OrthancPortal.Components.Ui;

/// <summary>
/// Paging, sorting and filter state of a <see cref="DataTable{TItem}"/>, kept apart from the markup so it can be unit-tested.
/// Pages are zero-based.
/// </summary>
public sealed class DataTableState
{
    private readonly Dictionary<string, string> filters = new(StringComparer.Ordinal);

    public DataTableState(int pageSize = 25, string? sortBy = null, bool sortDescending = false)
    {
        PageSize = pageSize > 0 ? pageSize : throw new ArgumentOutOfRangeException(nameof(pageSize), "Page size must be positive.");
        SortBy = sortBy;
        SortDescending = sortDescending;
    }

    public int Page { get; private set; }
    public int PageSize { get; private set; }
    public string? SortBy { get; private set; }
    public bool SortDescending { get; private set; }
    /// <summary>Total row count from the last load; paging math uses it.</summary>
    public int Total { get; private set; }
    public IReadOnlyDictionary<string, string> Filters => filters;

    public int PageCount => Total == 0 ? 1 : (Total + PageSize - 1) / PageSize;
    /// <summary>One-based number of the first row shown, 0 when there are none.</summary>
    public int FirstRowNumber => Total == 0 ? 0 : Page * PageSize + 1;
    /// <summary>One-based number of the last row shown, 0 when there are none.</summary>
    public int LastRowNumber => Math.Min(Total, (Page + 1) * PageSize);

    public DataRequest ToRequest() =>
        new(Page * PageSize, PageSize, SortBy, SortDescending, new Dictionary<string, string>(filters, StringComparer.Ordinal));

    public void GoToPage(int page) => Page = Math.Max(0, page);

    /// <summary>Changes the page size and keeps the first row of the current page visible.</summary>
    public void SetPageSize(int pageSize)
    {
        if (pageSize <= 0) throw new ArgumentOutOfRangeException(nameof(pageSize), "Page size must be positive.");
        var firstRow = Page * PageSize;
        PageSize = pageSize;
        Page = firstRow / pageSize;
    }

    /// <summary>A new column sorts ascending; clicking the sorted column again flips the direction. Back to page one either way.</summary>
    public void ToggleSort(string field)
    {
        if (SortBy == field)
        {
            SortDescending = !SortDescending;
        }
        else
        {
            SortBy = field;
            SortDescending = false;
        }
        Page = 0;
    }

    /// <summary>Sets or clears (blank text) a column filter. Returns false when nothing changed, so no reload is needed.</summary>
    public bool SetFilter(string field, string? text)
    {
        var value = text?.Trim() ?? "";
        var changed = value.Length == 0 ? filters.Remove(field) : !filters.TryGetValue(field, out var old) || old != value;
        if (value.Length > 0) filters[field] = value;
        if (changed) Page = 0;
        return changed;
    }

    /// <summary>
    /// Records the total of a load. Returns true when the current page is now past the end (rows were deleted or filtered away),
    /// in which case the page has been moved to the last one and the caller should load again.
    /// </summary>
    public bool ApplyTotal(int total)
    {
        Total = Math.Max(0, total);
        var lastPage = PageCount - 1;
        if (Page <= lastPage) return false;
        Page = lastPage;
        return true;
    }
}
