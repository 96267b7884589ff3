using System.Security.Claims;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Baskets;

/// <summary>
/// Something a user can do with selected patients, studies or series, offered by any page that lists them
/// (content, import results, query results, robot results). Pages inject <c>IEnumerable&lt;ResourceAction&gt;</c>,
/// show the actions whose <see cref="Policy"/> the user holds and whose <see cref="Levels"/> match, and call
/// <see cref="RunAsync"/>; its text goes into a toast. Register with <c>services.AddResourceAction(...)</c>.
/// </summary>
public sealed record ResourceAction(
    string Key,
    string Title,
    string Icon,
    string Policy,
    IReadOnlyList<ResourceLevel> Levels,
    Func<IServiceProvider, ClaimsPrincipal, IReadOnlyList<ResourceRef>, CancellationToken, Task<string>> RunAsync)
{
    public bool AppliesTo(ResourceLevel level) => Levels.Contains(level);
}

public static class ResourceActionServiceCollectionExtensions
{
    public static IServiceCollection AddResourceAction(this IServiceCollection services, ResourceAction action) => services.AddSingleton(action);

    /// <summary>"Add to Anonymize / Export / Delete" as resource actions.</summary>
    public static IServiceCollection AddBasketResourceActions(this IServiceCollection services)
    {
        foreach (var (kind, icon) in new[] { (BasketKind.Anonymize, "bi-incognito"), (BasketKind.Export, "bi-box-arrow-up-right"), (BasketKind.Delete, "bi-trash") })
        {
            services.AddResourceAction(new ResourceAction($"basket.{kind.ToString().ToLowerInvariant()}", $"Add to {kind}", icon, BasketActions.PermissionToAdd(kind),
                [ResourceLevel.Patient, ResourceLevel.Study, ResourceLevel.Series],
                async (sp, user, items, ct) =>
                {
                    var added = await sp.GetRequiredService<BasketActions>().AddAsync(user, kind, items, ct);
                    return $"{added} added to the {kind} basket" + (added < items.Count ? $" ({items.Count - added} were already there)" : "");
                }));
        }
        return services;
    }
}
