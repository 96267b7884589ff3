using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Bunit;
using Microsoft.AspNetCore.Components;
using OrthancPortal.Components.Ui;

namespace OrthancPortal.Tests.Components.Ui;

/// <summary>The table's rendering and its requests to Load, with bUnit; what needs a browser stays in the browser tests.</summary>
public sealed class DataTableRenderTests : BunitContext
{
    private sealed record Patient(string Id, string Name, DateOnly BirthDate);

    private static readonly Patient[] Patients =
    [
        new("P1", "DOE^JOHN", new DateOnly(1970, 1, 2)),
        new("P2", "ROE^JANE", new DateOnly(1985, 6, 7)),
        new("P3", "POE^EDGAR", new DateOnly(1999, 12, 31)),
    ];

    private static RenderFragment Columns => builder =>
    {
        builder.OpenComponent<DataColumn<Patient>>(0);
        builder.AddComponentParameter(1, nameof(DataColumn<Patient>.Title), "Patient ID");
        builder.AddComponentParameter(2, nameof(DataColumn<Patient>.Field), "id");
        builder.AddComponentParameter(3, nameof(DataColumn<Patient>.Value), (Func<Patient, object?>)(p => p.Id));
        builder.AddComponentParameter(4, nameof(DataColumn<Patient>.Sortable), true);
        builder.AddComponentParameter(5, nameof(DataColumn<Patient>.Filterable), true);
        builder.CloseComponent();

        builder.OpenComponent<DataColumn<Patient>>(10);
        builder.AddComponentParameter(11, nameof(DataColumn<Patient>.Title), "Name");
        builder.AddComponentParameter(12, nameof(DataColumn<Patient>.ChildContent),
            (RenderFragment<Patient>)(p => b => { b.OpenElement(0, "b"); b.AddContent(1, p.Name); b.CloseElement(); }));
        builder.CloseComponent();

        builder.OpenComponent<DataColumn<Patient>>(20);
        builder.AddComponentParameter(21, nameof(DataColumn<Patient>.Title), "Birth date");
        builder.AddComponentParameter(22, nameof(DataColumn<Patient>.Value), (Func<Patient, object?>)(p => p.BirthDate));
        builder.AddComponentParameter(23, nameof(DataColumn<Patient>.Format), "yyyy-MM-dd");
        builder.CloseComponent();
    };

    private IRenderedComponent<DataTable<Patient>> Render(Dictionary<string, object?> parameters)
    {
        parameters.TryAdd(nameof(DataTable<Patient>.ChildContent), Columns);
        return Render<DataTable<Patient>>(b =>
        {
            b.OpenComponent<DataTable<Patient>>(0);
            foreach (var (name, value) in parameters) b.AddComponentParameter(1, name, value);
            b.CloseComponent();
        });
    }

    /// <summary>The rendered markup as a document, so the assertions can use CSS selectors from the root.</summary>
    private IDocument RenderDocument(Dictionary<string, object?> parameters) => new HtmlParser().ParseDocument(Render(parameters).Markup);

    private static Func<DataRequest, CancellationToken, Task<DataPage<Patient>>> FixedLoad(List<DataRequest>? requests = null) =>
        (request, _) =>
        {
            requests?.Add(request);
            return Task.FromResult(new DataPage<Patient>(Patients.Skip(request.Skip).Take(request.Take).ToList(), Patients.Length));
        };

    [Fact]
    public void Renders_headers_and_the_loaded_rows()
    {
        var document = RenderDocument(new() { ["Load"] = FixedLoad(), ["DataTest"] = "patients" });

        var table = document.QuerySelector("[data-test=patients] table").ShouldNotBeNull();
        table.QuerySelectorAll("thead tr:first-child th").Select(th => th.TextContent.Trim()).ShouldBe(["Patient ID", "Name", "Birth date"]);
        var rows = table.QuerySelectorAll("tbody tr");
        rows.Length.ShouldBe(3);
        rows[0].QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ShouldBe(["P1", "DOE^JOHN", "1970-01-02"]);
        rows[1].QuerySelector("td b")!.TextContent.ShouldBe("ROE^JANE");
        document.QuerySelector("[data-test=row-range]")!.TextContent.Trim().ShouldBe("1–3 of 3");
    }

    [Fact]
    public void Asks_load_for_the_first_page_with_the_initial_sort()
    {
        var requests = new List<DataRequest>();
        RenderDocument(new() { ["Load"] = FixedLoad(requests), ["PageSize"] = 2, ["SortBy"] = "id", ["SortDescending"] = true });

        var request = requests.ShouldHaveSingleItem();
        (request.Skip, request.Take, request.SortBy, request.SortDescending).ShouldBe((0, 2, "id", true));
        request.Filters.ShouldBeEmpty();
    }

    [Fact]
    public void Shows_one_page_and_a_pager_when_rows_exceed_the_page_size()
    {
        var document = RenderDocument(new() { ["Load"] = FixedLoad(), ["PageSize"] = 2 });

        document.QuerySelectorAll("tbody tr").Length.ShouldBe(2);
        document.QuerySelector("[data-test=pager]").ShouldNotBeNull().TextContent.ShouldContain("Page 1 of 2");
    }

    [Fact]
    public void Sortable_columns_get_a_sort_button_and_aria_sort()
    {
        var document = RenderDocument(new() { ["Load"] = FixedLoad(), ["SortBy"] = "id" });

        var header = document.QuerySelector("thead tr:first-child th").ShouldNotBeNull();
        header.GetAttribute("aria-sort").ShouldBe("ascending");
        header.QuerySelector("[data-test=sort-id]").ShouldNotBeNull();
        document.QuerySelector("[data-test=filter-id]").ShouldNotBeNull();
    }

    [Fact]
    public void Selectable_table_has_a_checkbox_per_row_and_a_select_page_box()
    {
        var document = RenderDocument(new()
        {
            ["Load"] = FixedLoad(),
            ["Selectable"] = true,
            ["RowKey"] = (Func<Patient, object>)(p => p.Id),
            ["SelectedItems"] = (IReadOnlyList<Patient>)[Patients[1] with { Name = "same key, other object" }],
        });

        document.QuerySelector("[data-test=select-page]").ShouldNotBeNull();
        var rows = document.QuerySelectorAll("tbody tr");
        rows.Select(r => r.QuerySelector("input[type=checkbox]")!.HasAttribute("checked")).ShouldBe([false, true, false]);
        rows[1].GetAttribute("aria-selected").ShouldBe("true");
        document.QuerySelector("[data-test=selection-count]")!.TextContent.ShouldContain("1 selected");
    }

    [Fact]
    public void Row_class_is_applied()
    {
        var document = RenderDocument(new()
        {
            ["Load"] = FixedLoad(),
            ["RowClass"] = (Func<Patient, string?>)(p => p.Id == "P3" ? "table-warning" : null),
        });

        document.QuerySelectorAll("tbody tr.table-warning").Length.ShouldBe(1);
    }

    [Fact]
    public void No_rows_shows_the_empty_message()
    {
        var document = RenderDocument(new()
        {
            ["Load"] = (Func<DataRequest, CancellationToken, Task<DataPage<Patient>>>)((_, _) => Task.FromResult(DataPage<Patient>.Empty)),
            ["EmptyText"] = "No patients match.",
        });

        document.QuerySelector("[data-test=empty]")!.TextContent.Trim().ShouldBe("No patients match.");
        document.QuerySelector("[data-test=empty]")!.GetAttribute("colspan").ShouldBe("3");
    }

    [Fact]
    public void A_failing_load_is_shown_in_the_table()
    {
        var document = RenderDocument(new()
        {
            ["Load"] = (Func<DataRequest, CancellationToken, Task<DataPage<Patient>>>)((_, _) => throw new InvalidOperationException("Orthanc is down")),
        });

        document.QuerySelector("[data-test=load-error]")!.TextContent.ShouldContain("Orthanc is down");
    }

    [Fact]
    public void Clicking_a_sortable_header_asks_load_again_with_that_sort()
    {
        var requests = new List<DataRequest>();
        var cut = Render(new() { ["Load"] = FixedLoad(requests) });

        cut.Find("[data-test=sort-id]").Click();
        cut.WaitForAssertion(() => requests.Count.ShouldBe(2));
        (requests[1].SortBy, requests[1].SortDescending).ShouldBe(("id", false));
        cut.Find("[data-test=sort-id]").Click();
        cut.WaitForAssertion(() => requests.Count.ShouldBe(3));
        (requests[2].SortBy, requests[2].SortDescending).ShouldBe(("id", true));
    }
}
