using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace OrthancPortal.Components.Layout;

/// <summary>A component a feature places in the top bar (the basket counters, say). Register with <c>services.AddTopBarItem&lt;T&gt;()</c>.</summary>
public sealed record TopBarItem(Type ComponentType, int Order);

/// <summary>Renders every registered top-bar component, in order, so features add to the bar without editing the layout.</summary>
public sealed class TopBarItems : ComponentBase
{
    [Inject] private IEnumerable<TopBarItem> Items { get; set; } = [];

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "div");
        builder.AddAttribute(1, "class", "me-auto d-flex align-items-center gap-2");
        foreach (var item in Items.OrderBy(i => i.Order))
        {
            builder.OpenComponent(2, item.ComponentType);
            builder.CloseComponent();
        }
        builder.CloseElement();
    }
}

public static class TopBarItemServiceCollectionExtensions
{
    public static IServiceCollection AddTopBarItem<TComponent>(this IServiceCollection services, int order = 0) where TComponent : IComponent
        => services.AddSingleton(new TopBarItem(typeof(TComponent), order));
}
