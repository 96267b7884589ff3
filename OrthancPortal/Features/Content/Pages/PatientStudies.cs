using MudBlazor;

namespace OrthancPortal.Features.Content.Pages;

/// <summary>One page of a patient's studies in the grid's order (newest first unless the user sorts otherwise).</summary>
public static class PatientStudies
{
    public static IReadOnlyList<StudyRow> Page(IReadOnlyList<StudyRow> studies, GridState<StudyRow> state)
    {
        var by = state.SortDefinitions.FirstOrDefault();
        IEnumerable<StudyRow> ordered = by?.SortBy switch
        {
            nameof(StudyRow.Description) => Order(studies, s => s.Description, by.Descending),
            nameof(StudyRow.Accession) => Order(studies, s => s.Accession, by.Descending),
            nameof(StudyRow.SeriesCount) => by.Descending ? studies.OrderByDescending(s => s.SeriesCount) : studies.OrderBy(s => s.SeriesCount),
            nameof(StudyRow.StudyDate) when !by.Descending => Order(studies, s => s.StudyDate, false),
            _ => Order(studies, s => s.StudyDate, true),
        };
        return ordered.Skip(state.Page * state.PageSize).Take(state.PageSize).ToList();
    }

    private static IOrderedEnumerable<StudyRow> Order(IEnumerable<StudyRow> rows, Func<StudyRow, string> key, bool descending)
        => descending ? rows.OrderByDescending(key, StringComparer.CurrentCultureIgnoreCase) : rows.OrderBy(key, StringComparer.CurrentCultureIgnoreCase);
}
