using Microsoft.AspNetCore.Components;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Content;

/// <summary>
/// A component other features place in the content pages' rows and headers. It receives
/// <see cref="ResourceActionContext"/> as its <c>Resource</c> parameter. Register with
/// <c>services.AddResourceActionComponent&lt;TComponent&gt;(order, levels)</c>. The simpler data-only actions of
/// Features/Baskets (<c>services.AddResourceAction(new ResourceAction(...))</c>) show in the same place as buttons.
/// </summary>
public sealed record ResourceActionComponent(Type ComponentType, int Order, IReadOnlyList<ResourceLevel> Levels);

/// <summary>The resource a row or header shows: its level, Orthanc id and a label people understand.</summary>
public sealed record ResourceActionContext(ResourceLevel Level, string Id, string Label);

public static class ResourceActionServiceCollectionExtensions
{
    public static IServiceCollection AddResourceActionComponent<TComponent>(this IServiceCollection services, int order, params ResourceLevel[] levels)
        where TComponent : IComponent
        => services.AddSingleton(new ResourceActionComponent(typeof(TComponent), order,
            levels.Length == 0 ? [ResourceLevel.Patient, ResourceLevel.Study, ResourceLevel.Series, ResourceLevel.Instance] : levels));
}
