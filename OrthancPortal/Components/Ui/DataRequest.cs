namespace OrthancPortal.Components.Ui;

/// <summary>What a <see cref="DataTable{TItem}"/> asks its Load function for: one page, sorted and filtered by column fields.</summary>
public sealed record DataRequest(int Skip, int Take, string? SortBy, bool SortDescending, IReadOnlyDictionary<string, string> Filters);

/// <summary>One page of rows plus the total row count across all pages (after filtering).</summary>
public sealed record DataPage<TItem>(IReadOnlyList<TItem> Items, int Total)
{
    public static DataPage<TItem> Empty { get; } = new([], 0);
}
