using Microsoft.AspNetCore.Components;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.RowActions;

/// <summary>Where a row (or page header) that offers actions sits; an action declares the kinds it shows on.</summary>
public enum RowKind
{
    /// <summary>A local patient (the patient page's header).</summary>
    Patient,
    /// <summary>A local study in a list (study list, patient page).</summary>
    Study,
    /// <summary>The one study a page shows (the study page's header): heavier actions such as burning go here only.</summary>
    StudyPage,
    /// <summary>A local series (the study's series list, the series page's header).</summary>
    Series,
    /// <summary>A study or series found on a remote PACS by a query.</summary>
    QueryResult,
    /// <summary>A study or series an auto-retrieve robot fetches.</summary>
    RobotItem,
}

/// <summary>
/// The row an action acts on, the same record for every kind of row. <see cref="OrthancId"/> is the local Orthanc id
/// of the resource at <see cref="Level"/> (for remote rows: of the local study once retrieved, else null).
/// </summary>
public sealed record RowContext(
    RowKind Kind,
    ResourceLevel Level,
    string? OrthancId,
    string Label,
    string? StudyInstanceUid = null,
    string? SeriesInstanceUid = null,
    string? PatientId = null,
    string? PatientName = null);

/// <summary>A registered component drawn by <c>&lt;RowActions Row=... /&gt;</c> on the rows of the kinds it declares.</summary>
public sealed record RowAction(Type Component, int Order, IReadOnlySet<RowKind> Kinds);

public static class RowActionServiceCollectionExtensions
{
    /// <summary>
    /// Adds a component with a <c>[Parameter] RowContext Row</c> to the action cell of every row of the given kinds
    /// (content lists and headers, query results, robot items). The component checks its own permission (an
    /// <c>AuthorizeView</c>, and again on the server when it acts) and renders nothing when it does not apply.
    /// </summary>
    public static IServiceCollection AddRowAction<TComponent>(this IServiceCollection services, int order, params RowKind[] kinds)
        where TComponent : IComponent
    {
        if (kinds.Length == 0) throw new ArgumentException("Name the kinds of row the action shows on.", nameof(kinds));
        return services.AddSingleton(new RowAction(typeof(TComponent), order, kinds.ToHashSet()));
    }
}
