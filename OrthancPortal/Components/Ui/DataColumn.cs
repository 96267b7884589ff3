using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace OrthancPortal.Components.Ui;

/// <summary>
/// Declares one column of a <see cref="DataTable{TItem}"/>. Renders nothing itself: it registers with the table,
/// which draws the header, filter and cells.
/// </summary>
public sealed class DataColumn<TItem> : ComponentBase, IDisposable
{
    [CascadingParameter] private DataTable<TItem>? Table { get; set; }

    [Parameter] public string Title { get; set; } = "";
    /// <summary>Name sent to Load as SortBy and as the filter key. Required when Sortable or Filterable.</summary>
    [Parameter] public string? Field { get; set; }
    [Parameter] public bool Sortable { get; set; }
    [Parameter] public bool Filterable { get; set; }
    [Parameter] public string? FilterPlaceholder { get; set; }
    /// <summary>Cell template; wins over <see cref="Value"/>.</summary>
    [Parameter] public RenderFragment<TItem>? ChildContent { get; set; }
    /// <summary>Cell value when there is no template; IFormattable values use <see cref="Format"/>.</summary>
    [Parameter] public Func<TItem, object?>? Value { get; set; }
    [Parameter] public string? Format { get; set; }
    [Parameter] public string? HeaderClass { get; set; }
    [Parameter] public string? CellClass { get; set; }

    protected override void OnInitialized()
    {
        if (Table is null) throw new InvalidOperationException($"{nameof(DataColumn<TItem>)} must be placed inside a DataTable.");
        Table.AddColumn(this);
    }

    protected override void OnParametersSet()
    {
        if ((Sortable || Filterable) && string.IsNullOrWhiteSpace(Field))
            throw new InvalidOperationException($"Column '{Title}' is sortable or filterable, so it needs a Field.");
    }

    // The table renders the cells; re-rendering this placeholder would only waste a diff.
    protected override bool ShouldRender() => false;

    internal string? Text(TItem item) => Value?.Invoke(item) switch
    {
        null => null,
        IFormattable f when Format is not null => f.ToString(Format, CultureInfo.CurrentCulture),
        var v => v.ToString(),
    };

    public void Dispose() => Table?.RemoveColumn(this);
}
