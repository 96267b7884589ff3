using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using OrthancPortal.Components.Layout;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Tests.Components.Polish;

/// <summary>MudBlazor's own texts through PortalMudLocalizer, and the grid's page request.</summary>
public sealed class PortalMudLocalizerTests : PortalComponentTest
{

    public PortalMudLocalizerTests() => Services.AddTransient<MudLocalizer, PortalMudLocalizer>();

    private sealed record Row(int N);

    private IRenderedComponent<MudDataGrid<Row>> Grid() => Render<MudDataGrid<Row>>(p => p
        .Add(g => g.Items, Enumerable.Range(1, 40).Select(n => new Row(n)).ToList())
        .Add(g => g.RowsPerPage, 25)
        .Add(g => g.Columns, b =>
        {
            b.OpenComponent<PropertyColumn<Row, int>>(0);
            b.AddAttribute(1, "Property", (System.Linq.Expressions.Expression<Func<Row, int>>)(r => r.N));
            b.CloseComponent();
        })
        .Add(g => g.PagerContent, b =>
        {
            b.OpenComponent<MudDataGridPager<Row>>(0);
            b.CloseComponent();
        }));

    private static T InCulture<T>(string culture, Func<T> action)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo(culture);
        try { return action(); }
        finally { CultureInfo.CurrentUICulture = before; }
    }

    [Fact]
    public void In_German_the_pager_says_Zeilen_pro_Seite_and_von()
    {
        var markup = InCulture("de-DE", () => Grid().Markup);
        markup.ShouldContain("Zeilen pro Seite:");
        markup.ShouldContain("1–25 von 40");
        markup.ShouldContain("aria-label=\"Nächste Seite\"");
    }

    [Fact]
    public void In_English_the_pager_keeps_MudBlazors_own_text()
    {
        var markup = InCulture("en-GB", () => Grid().Markup);
        markup.ShouldContain("Rows per page:");
        markup.ShouldContain("1-25 of 40");
    }

    [Fact]
    public void A_key_without_German_reports_not_found_so_MudBlazor_falls_back_to_English()
    {
        var localizer = Services.GetRequiredService<MudLocalizer>();
        InCulture("de-DE", () => localizer["MudDataGrid_Apply"]).Value.ShouldBe("Anwenden");
        InCulture("de-DE", () => localizer["MudDataGrid_EqualSign"]).ResourceNotFound.ShouldBeTrue();
    }

    [Fact]
    public void The_grid_state_becomes_a_page_request_named_by_the_last_part_of_the_sort_property()
    {
        var state = new GridState<Row> { Page = 2, PageSize = 25, SortDefinitions = [new SortDefinition<Row>("Robot.ProjectName", true, 0, r => r.N)] };
        state.ToPageRequest().ShouldBe(new PageRequest(50, 25, "ProjectName", true));
        new GridState<Row> { Page = 0, PageSize = 10 }.ToPageRequest().ShouldBe(new PageRequest(0, 10));
    }
}
