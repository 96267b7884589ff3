using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Logging;

namespace OrthancPortal.Components.Ui;

/// <summary>
/// A Bootstrap table whose rows come from the server one page at a time: sorting, per-column filters, paging and
/// row selection are turned into a <see cref="DataRequest"/> for <see cref="Load"/>.
/// </summary>
public sealed partial class DataTable<TItem>
{
    private readonly List<DataColumn<TItem>> columns = [];
    private readonly Dictionary<string, string> typedFilters = new(StringComparer.Ordinal);
    private DataTableState state = new();
    private RowSelection<TItem> selection = default!;
    private Debouncer filterDebouncer = default!;
    private IReadOnlyList<TItem> items = [];
    private IReadOnlyList<TItem>? lastSelectedItems;
    private CancellationTokenSource? loadCts;
    private bool loading;
    private string? error;

    [Inject] private ILogger<DataTable<TItem>> Logger { get; set; } = default!;

    /// <summary>Fetches one page. The token is cancelled when a newer load starts or the table goes away.</summary>
    [Parameter, EditorRequired] public Func<DataRequest, CancellationToken, Task<DataPage<TItem>>> Load { get; set; } = default!;
    /// <summary>The <see cref="DataColumn{TItem}"/> declarations.</summary>
    [Parameter] public RenderFragment? ChildContent { get; set; }
    /// <summary>Identifies a row across pages and reloads; defaults to the item itself.</summary>
    [Parameter] public Func<TItem, object> RowKey { get; set; } = item => item!;
    [Parameter] public EventCallback<TItem> OnRowClick { get; set; }
    [Parameter] public Func<TItem, string?>? RowClass { get; set; }

    [Parameter] public int PageSize { get; set; } = 25;
    [Parameter] public IReadOnlyList<int> PageSizes { get; set; } = [10, 25, 50, 100];
    [Parameter] public string? SortBy { get; set; }
    [Parameter] public bool SortDescending { get; set; }
    [Parameter] public TimeSpan FilterDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Adds a checkbox column; the selection is kept across pages.</summary>
    [Parameter] public bool Selectable { get; set; }
    [Parameter] public IReadOnlyList<TItem> SelectedItems { get; set; } = [];
    [Parameter] public EventCallback<IReadOnlyList<TItem>> SelectedItemsChanged { get; set; }
    [Parameter] public EventCallback<IReadOnlyList<TItem>> SelectionChanged { get; set; }

    [Parameter] public string EmptyText { get; set; } = "Nothing to show.";
    [Parameter] public RenderFragment? EmptyContent { get; set; }
    [Parameter] public string? TableClass { get; set; }
    [Parameter] public string? DataTest { get; set; }

    public bool IsLoading => loading;
    public int Total => state.Total;
    public IReadOnlyList<TItem> Items => items;

    protected override void OnInitialized()
    {
        if (Load is null) throw new InvalidOperationException($"{nameof(DataTable<TItem>)} needs a {nameof(Load)} function.");
        state = new DataTableState(PageSize, SortBy, SortDescending);
        // The key function is read through the property so a parent that swaps RowKey later still gets consistent keys.
        selection = new RowSelection<TItem>(item => RowKey(item));
        filterDebouncer = new Debouncer(FilterDelay);
    }

    protected override Task OnInitializedAsync() => LoadPageAsync();

    protected override void OnParametersSet()
    {
        // Only a list the parent did not get from us replaces the selection; our own echo through @bind must not.
        if (!ReferenceEquals(SelectedItems, lastSelectedItems))
        {
            selection.Reset(SelectedItems);
            lastSelectedItems = SelectedItems;
        }
    }

    /// <summary>Loads the current page again, e.g. after the data changed.</summary>
    public Task Reload() => InvokeAsync(LoadPageAsync);

    internal void AddColumn(DataColumn<TItem> column)
    {
        columns.Add(column);
        // Columns register while the table's child content renders, after the table drew its header; draw again.
        StateHasChanged();
    }

    internal void RemoveColumn(DataColumn<TItem> column)
    {
        if (columns.Remove(column)) StateHasChanged();
    }

    private async Task LoadPageAsync()
    {
        loadCts?.Cancel();
        loadCts?.Dispose();
        var cts = loadCts = new CancellationTokenSource();
        loading = true;
        error = null;
        StateHasChanged();
        try
        {
            var page = await Load(state.ToRequest(), cts.Token);
            if (cts.IsCancellationRequested) return;
            if (state.ApplyTotal(page.Total))
            {
                // The page ran past the end (rows deleted or filtered away): fetch the new last page instead.
                await LoadPageAsync();
                return;
            }
            items = page.Items;
            selection.Refresh(items);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (!cts.IsCancellationRequested)
        {
            // Show the failure in the table rather than breaking the whole circuit.
            Logger.LogWarning(ex, "DataTable {DataTest} could not load {Request}", DataTest, state.ToRequest());
            items = [];
            error = $"Could not load the data: {ex.Message}";
        }
        finally
        {
            if (ReferenceEquals(cts, loadCts)) loading = false;
        }
        StateHasChanged();
    }

    private Task SortAsync(DataColumn<TItem> column)
    {
        state.ToggleSort(column.Field!);
        return LoadPageAsync();
    }

    private Task GoToPageAsync(int page)
    {
        state.GoToPage(page);
        return LoadPageAsync();
    }

    private Task PageSizeChosenAsync(ChangeEventArgs e)
    {
        if (!int.TryParse(e.Value as string, out var size) || size <= 0) return Task.CompletedTask;
        state.SetPageSize(size);
        return LoadPageAsync();
    }

    private string FilterText(DataColumn<TItem> column) =>
        typedFilters.TryGetValue(column.Field!, out var typed) ? typed : state.Filters.GetValueOrDefault(column.Field!, "");

    private Task FilterTypedAsync(DataColumn<TItem> column, string? text)
    {
        typedFilters[column.Field!] = text ?? "";
        return filterDebouncer.RunAsync(ApplyTypedFiltersAsync);
    }

    private Task FilterKeyAsync(DataColumn<TItem> column, KeyboardEventArgs e)
    {
        if (e.Key != "Enter") return Task.CompletedTask;
        // Enter means "search now": skip the rest of the typing delay.
        filterDebouncer.Cancel();
        return ApplyTypedFiltersAsync();
    }

    private Task ApplyTypedFiltersAsync()
    {
        var changed = false;
        foreach (var (field, text) in typedFilters) changed |= state.SetFilter(field, text);
        return changed ? LoadPageAsync() : Task.CompletedTask;
    }

    private async Task SelectRowAsync(TItem item, bool on)
    {
        selection.Toggle(item, on);
        await SelectionHasChangedAsync();
    }

    private async Task SelectPageAsync(bool on)
    {
        selection.SetAll(items, on);
        await SelectionHasChangedAsync();
    }

    private async Task ClearSelectionAsync()
    {
        selection.Clear();
        await SelectionHasChangedAsync();
    }

    private async Task SelectionHasChangedAsync()
    {
        var selected = selection.Items;
        lastSelectedItems = selected;
        await SelectedItemsChanged.InvokeAsync(selected);
        await SelectionChanged.InvokeAsync(selected);
    }

    private EventCallback RowClickHandler(TItem item) =>
        OnRowClick.HasDelegate ? EventCallback.Factory.Create(this, () => OnRowClick.InvokeAsync(item)) : default;

    private string RowCss(TItem item, bool selected)
    {
        var css = RowClass?.Invoke(item) ?? "";
        if (selected) css += " table-active";
        if (OnRowClick.HasDelegate) css += " data-table-clickable";
        return css.Trim();
    }

    private int ColumnCount => Math.Max(1, columns.Count + (Selectable ? 1 : 0));

    private string? AriaSort(DataColumn<TItem> column) =>
        !column.Sortable ? null : state.SortBy != column.Field ? "none" : state.SortDescending ? "descending" : "ascending";

    private string SortIcon(DataColumn<TItem> column) =>
        state.SortBy != column.Field ? "bi-arrow-down-up text-body-tertiary" : state.SortDescending ? "bi-sort-down" : "bi-sort-up";

    public void Dispose()
    {
        loadCts?.Cancel();
        loadCts?.Dispose();
        filterDebouncer?.Dispose();
    }
}
