namespace OrthancPortal.Infrastructure.Database;

/// <summary>
/// Equality for the rows that live grids show. MudDataGrid keys its rows by item (<c>@key</c>), and a live page loads new
/// instances on every refresh: with reference equality the grid replaced every row each time, so a focused button lost
/// its focus and a click in flight was dropped. Equal by database id, a refreshed row keeps its elements and only its
/// contents change. Unsaved rows (id 0) are equal only to themselves; EF Core tracks entities by reference, not by this.
/// </summary>
public static class RowIdentity
{
    public static bool SameRow(object self, object? other, long id, long? otherId)
        => ReferenceEquals(self, other) || (id != 0 && otherId == id);
}
