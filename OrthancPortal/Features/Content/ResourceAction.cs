using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Content;

/// <summary>
/// A button (or any component) other features place in the content pages' rows and headers, such as
/// "Add to basket". The component receives <see cref="ResourceActionContext"/> as its <c>Resource</c> parameter.
/// Register with <c>services.AddResourceAction&lt;TComponent&gt;(order, levels)</c>; no content page changes.
/// </summary>
public sealed record ResourceAction(Type ComponentType, int Order, IReadOnlyList<ResourceLevel> Levels);

/// <summary>The resource a row or header shows: its level, Orthanc id and a label people understand.</summary>
public sealed record ResourceActionContext(ResourceLevel Level, string Id, string Label);

public static class ResourceActionServiceCollectionExtensions
{
    public static IServiceCollection AddResourceAction<TComponent>(this IServiceCollection services, int order, params ResourceLevel[] levels)
        where TComponent : IComponent
        => services.AddSingleton(new ResourceAction(typeof(TComponent), order,
            levels.Length == 0 ? [ResourceLevel.Patient, ResourceLevel.Study, ResourceLevel.Series, ResourceLevel.Instance] : levels));
}

/// <summary>Renders the registered actions for one resource, in order.</summary>
public sealed class ResourceActions : ComponentBase
{
    [Inject] private IEnumerable<ResourceAction> Actions { get; set; } = [];
    [Parameter, EditorRequired] public ResourceActionContext Resource { get; set; } = default!;

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        foreach (var action in Actions.Where(a => a.Levels.Contains(Resource.Level)).OrderBy(a => a.Order))
        {
            builder.OpenComponent(0, action.ComponentType);
            builder.AddComponentParameter(1, "Resource", Resource);
            builder.SetKey(action);
            builder.CloseComponent();
        }
    }
}
