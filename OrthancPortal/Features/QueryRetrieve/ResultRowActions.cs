namespace OrthancPortal.Features.QueryRetrieve;

/// <summary>
/// A study or series shown in a result row (query results, robot items). <see cref="LocalStudyId"/> is the
/// Orthanc id once the study is stored locally, null while it exists only on the remote.
/// </summary>
public sealed record ResultRowContext(string StudyInstanceUid, string? SeriesInstanceUid, string? LocalStudyId, string PatientId, string PatientName, string StudyDescription);

/// <summary>A component drawn in every result row's action cell. It receives the row as parameter <c>Row</c>.</summary>
public sealed record ResultRowAction(Type Component, int Order);

public static class ResultRowActionRegistration
{
    /// <summary>
    /// Adds a button (or any component with a <c>[Parameter] ResultRowContext Row</c>) to the actions of every
    /// query result and robot item row; e.g. the baskets feature registers its "add to basket" button here.
    /// </summary>
    public static IServiceCollection AddResultRowAction<TComponent>(this IServiceCollection services, int order = 100)
        where TComponent : Microsoft.AspNetCore.Components.IComponent
        => services.AddSingleton(new ResultRowAction(typeof(TComponent), order));
}
