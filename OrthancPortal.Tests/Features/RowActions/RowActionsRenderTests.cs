using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.RowActions;

namespace OrthancPortal.Tests.Features.RowActions;

/// <summary>The one extension point for row buttons: each registered action on exactly the kinds of row it declares, in order, with the row.</summary>
public sealed class RowActionsRenderTests : OrthancPortal.Tests.Components.PortalComponentTest
{
    private sealed class First : ComponentBase
    {
        [Parameter] public RowContext Row { get; set; } = default!;
        protected override void BuildRenderTree(RenderTreeBuilder b)
        {
            b.OpenElement(0, "span"); b.AddAttribute(1, "data-test", "first"); b.AddContent(2, $"{Row.Kind}:{Row.OrthancId}"); b.CloseElement();
        }
    }

    private sealed class Second : ComponentBase
    {
        [Parameter] public RowContext Row { get; set; } = default!;
        protected override void BuildRenderTree(RenderTreeBuilder b)
        {
            b.OpenElement(0, "span"); b.AddAttribute(1, "data-test", "second"); b.CloseElement();
        }
    }

    public RowActionsRenderTests()
    {
        // Registered out of order on purpose: the order number decides.
        Services.AddRowAction<Second>(200, RowKind.Study, RowKind.QueryResult);
        Services.AddRowAction<First>(100, RowKind.Study, RowKind.StudyPage);
    }

    private IRenderedComponent<OrthancPortal.Features.RowActions.RowActions> RenderRow(RowKind kind)
        => Render<OrthancPortal.Features.RowActions.RowActions>(p => p.Add(r => r.Row, new RowContext(kind, ResourceLevel.Study, "abc", "CT Thorax")));

    [Fact]
    public void A_row_shows_the_actions_of_its_kind_in_order_and_hands_them_the_row()
    {
        var cut = RenderRow(RowKind.Study);
        cut.FindAll("[data-test=row-actions] > span").Select(e => e.GetAttribute("data-test")).ShouldBe(["first", "second"]);
        cut.Find("[data-test=first]").TextContent.ShouldBe("Study:abc");
    }

    [Fact]
    public void An_action_is_not_shown_on_kinds_it_does_not_declare()
    {
        RenderRow(RowKind.StudyPage).FindAll("[data-test=second]").ShouldBeEmpty();
        RenderRow(RowKind.QueryResult).FindAll("[data-test=first]").ShouldBeEmpty();
        RenderRow(RowKind.RobotItem).FindAll("[data-test=row-actions] > *").ShouldBeEmpty();
    }

    [Fact]
    public void Registering_without_kinds_is_refused()
        => Should.Throw<ArgumentException>(() => new ServiceCollection().AddRowAction<First>(1));
}
