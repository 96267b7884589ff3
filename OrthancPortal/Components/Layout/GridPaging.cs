using MudBlazor;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Components.Layout;

/// <summary>
/// Between a MudDataGrid's <c>ServerData</c> and a service's <see cref="PageRequest"/>: the grid's page, page size and first
/// sort column (the last part of the property path, "Robot.ProjectName" → "ProjectName") in, the page's rows and total out.
/// </summary>
public static class GridPaging
{
    public static PageRequest ToPageRequest<T>(this GridState<T> state)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        return new PageRequest(state.Page * state.PageSize, state.PageSize, sort?.SortBy.Split('.').Last(), sort?.Descending ?? false);
    }

    public static GridData<T> ToGridData<T>(this PageOf<T> page) => new() { Items = page.Items, TotalItems = page.Total };
}
