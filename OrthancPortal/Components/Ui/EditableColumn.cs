using Microsoft.AspNetCore.Components;

namespace OrthancPortal.Components.Ui;

/// <summary>Declares one text column of an <see cref="EditableGrid{TItem}"/>: how to read the cell and how to write it back.</summary>
public sealed class EditableColumn<TItem> : ComponentBase, IDisposable where TItem : class
{
    [CascadingParameter] private EditableGrid<TItem>? Grid { get; set; }

    [Parameter, EditorRequired] public string Title { get; set; } = "";
    [Parameter, EditorRequired] public Func<TItem, string?> Get { get; set; } = default!;
    [Parameter, EditorRequired] public Action<TItem, string> Set { get; set; } = default!;
    [Parameter] public string? Placeholder { get; set; }
    /// <summary>CSS width of the column, e.g. "12rem" or "20%".</summary>
    [Parameter] public string? Width { get; set; }

    protected override void OnInitialized()
    {
        if (Grid is null) throw new InvalidOperationException($"{nameof(EditableColumn<TItem>)} must be placed inside an EditableGrid.");
        if (Get is null || Set is null) throw new InvalidOperationException($"Column '{Title}' needs both Get and Set.");
        Grid.AddColumn(this);
    }

    // The grid renders the inputs; this placeholder has nothing to redraw.
    protected override bool ShouldRender() => false;

    public void Dispose() => Grid?.RemoveColumn(this);
}
