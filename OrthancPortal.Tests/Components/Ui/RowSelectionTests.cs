using OrthancPortal.Components.Ui;

namespace OrthancPortal.Tests.Components.Ui;

public class RowSelectionTests
{
    private sealed record Row(int Id, string Name);

    private static RowSelection<Row> NewSelection() => new(r => r.Id);

    [Fact]
    public void Selection_is_by_key_so_a_reloaded_row_stays_selected()
    {
        var selection = NewSelection();
        selection.Toggle(new Row(1, "old"), true);
        selection.IsSelected(new Row(1, "reloaded")).ShouldBeTrue();
    }

    [Fact]
    public void Refresh_swaps_in_the_freshly_loaded_objects()
    {
        var selection = NewSelection();
        selection.Toggle(new Row(1, "old"), true);
        selection.Refresh([new Row(1, "new"), new Row(2, "other")]);
        selection.Items.ShouldBe([new Row(1, "new")]);
    }

    [Fact]
    public void Items_keep_the_order_of_picking()
    {
        var selection = NewSelection();
        selection.Toggle(new Row(3, "c"), true);
        selection.Toggle(new Row(1, "a"), true);
        selection.Items.Select(r => r.Id).ShouldBe([3, 1]);
    }

    [Fact]
    public void Select_all_on_a_page_keeps_rows_of_other_pages()
    {
        var selection = NewSelection();
        selection.Toggle(new Row(99, "elsewhere"), true);
        Row[] page = [new(1, "a"), new(2, "b")];
        selection.SetAll(page, true);
        selection.AllSelected(page).ShouldBeTrue();
        selection.Count.ShouldBe(3);
        selection.SetAll(page, false);
        selection.Items.ShouldBe([new Row(99, "elsewhere")]);
    }

    [Fact]
    public void A_partly_selected_page_is_some_but_not_all()
    {
        var selection = NewSelection();
        Row[] page = [new(1, "a"), new(2, "b")];
        selection.Toggle(page[0], true);
        selection.SomeSelected(page).ShouldBeTrue();
        selection.AllSelected(page).ShouldBeFalse();
    }

    [Fact]
    public void An_empty_page_is_never_all_selected()
        => NewSelection().AllSelected([]).ShouldBeFalse();

    [Fact]
    public void Selecting_twice_counts_once_and_unselecting_an_unselected_row_is_harmless()
    {
        var selection = NewSelection();
        selection.Toggle(new Row(1, "a"), true);
        selection.Toggle(new Row(1, "a"), true);
        selection.Toggle(new Row(2, "b"), false);
        selection.Count.ShouldBe(1);
    }

    [Fact]
    public void Reset_replaces_the_selection()
    {
        var selection = NewSelection();
        selection.Toggle(new Row(1, "a"), true);
        selection.Reset([new Row(2, "b")]);
        selection.Items.ShouldBe([new Row(2, "b")]);
    }
}
