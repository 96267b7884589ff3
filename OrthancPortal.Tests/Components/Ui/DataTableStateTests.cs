using OrthancPortal.Components.Ui;

namespace OrthancPortal.Tests.Components.Ui;

public class DataTableStateTests
{
    [Fact]
    public void First_request_asks_for_the_first_page_with_the_initial_sort()
    {
        var request = new DataTableState(pageSize: 25, sortBy: "date", sortDescending: true).ToRequest();
        request.Skip.ShouldBe(0);
        request.Take.ShouldBe(25);
        request.SortBy.ShouldBe("date");
        request.SortDescending.ShouldBeTrue();
        request.Filters.ShouldBeEmpty();
    }

    [Fact]
    public void Page_three_skips_two_pages()
    {
        var state = new DataTableState(pageSize: 20);
        state.ApplyTotal(100);
        state.GoToPage(2);
        state.ToRequest().Skip.ShouldBe(40);
    }

    [Theory]
    [InlineData(0, 25, 1)]
    [InlineData(1, 25, 1)]
    [InlineData(25, 25, 1)]
    [InlineData(26, 25, 2)]
    [InlineData(100, 10, 10)]
    public void Page_count_rounds_up_and_is_at_least_one(int total, int pageSize, int pages)
    {
        var state = new DataTableState(pageSize);
        state.ApplyTotal(total);
        state.PageCount.ShouldBe(pages);
    }

    [Fact]
    public void Row_numbers_describe_the_visible_slice()
    {
        var state = new DataTableState(pageSize: 25);
        state.ApplyTotal(60);
        state.GoToPage(2);
        state.FirstRowNumber.ShouldBe(51);
        state.LastRowNumber.ShouldBe(60);
    }

    [Fact]
    public void No_rows_means_row_numbers_of_zero()
    {
        var state = new DataTableState();
        state.ApplyTotal(0);
        (state.FirstRowNumber, state.LastRowNumber).ShouldBe((0, 0));
    }

    [Fact]
    public void Sorting_a_new_column_is_ascending_and_returns_to_page_one()
    {
        var state = new DataTableState(pageSize: 10, sortBy: "name", sortDescending: true);
        state.ApplyTotal(100);
        state.GoToPage(4);
        state.ToggleSort("date");
        state.ToRequest().ShouldSatisfyAllConditions(
            r => r.SortBy.ShouldBe("date"),
            r => r.SortDescending.ShouldBeFalse(),
            r => r.Skip.ShouldBe(0));
    }

    [Fact]
    public void Sorting_the_same_column_again_flips_the_direction()
    {
        var state = new DataTableState();
        state.ToggleSort("name");
        state.ToggleSort("name");
        state.SortDescending.ShouldBeTrue();
        state.ToggleSort("name");
        state.SortDescending.ShouldBeFalse();
    }

    [Fact]
    public void Filter_is_trimmed_and_returns_to_page_one()
    {
        var state = new DataTableState(pageSize: 10);
        state.ApplyTotal(100);
        state.GoToPage(3);
        state.SetFilter("name", "  smith ").ShouldBeTrue();
        var request = state.ToRequest();
        request.Filters["name"].ShouldBe("smith");
        request.Skip.ShouldBe(0);
    }

    [Fact]
    public void Blank_filter_is_removed_from_the_request()
    {
        var state = new DataTableState();
        state.SetFilter("name", "smith");
        state.SetFilter("name", "   ").ShouldBeTrue();
        state.ToRequest().Filters.ContainsKey("name").ShouldBeFalse();
    }

    [Fact]
    public void Same_filter_text_again_is_not_a_change()
    {
        var state = new DataTableState(pageSize: 10);
        state.SetFilter("name", "smith");
        state.ApplyTotal(100);
        state.GoToPage(2);
        state.SetFilter("name", "smith ").ShouldBeFalse();
        state.Page.ShouldBe(2);
        state.SetFilter("other", "").ShouldBeFalse();
    }

    [Fact]
    public void Request_filters_are_a_snapshot_not_a_live_view()
    {
        var state = new DataTableState();
        state.SetFilter("name", "smith");
        var request = state.ToRequest();
        state.SetFilter("name", "jones");
        request.Filters["name"].ShouldBe("smith");
    }

    [Fact]
    public void Changing_page_size_keeps_the_first_visible_row_on_screen()
    {
        var state = new DataTableState(pageSize: 10);
        state.ApplyTotal(1000);
        state.GoToPage(7); // rows 71-80
        state.SetPageSize(25);
        state.Page.ShouldBe(2); // rows 51-75 include row 71
        state.ToRequest().ShouldSatisfyAllConditions(r => r.Skip.ShouldBe(50), r => r.Take.ShouldBe(25));
    }

    [Fact]
    public void A_total_that_shrank_below_the_page_moves_to_the_last_page_and_asks_for_a_reload()
    {
        var state = new DataTableState(pageSize: 10);
        state.ApplyTotal(100);
        state.GoToPage(9);
        state.ApplyTotal(35).ShouldBeTrue();
        state.Page.ShouldBe(3);
        state.ApplyTotal(35).ShouldBeFalse();
    }

    [Fact]
    public void An_empty_result_settles_on_page_one()
    {
        var state = new DataTableState(pageSize: 10);
        state.ApplyTotal(50);
        state.GoToPage(4);
        state.ApplyTotal(0).ShouldBeTrue();
        state.Page.ShouldBe(0);
    }

    [Fact]
    public void Negative_page_is_page_one_and_page_size_must_be_positive()
    {
        var state = new DataTableState();
        state.GoToPage(-3);
        state.Page.ShouldBe(0);
        Should.Throw<ArgumentOutOfRangeException>(() => state.SetPageSize(0));
        Should.Throw<ArgumentOutOfRangeException>(() => new DataTableState(pageSize: -1));
    }
}
