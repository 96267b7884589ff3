using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.WebUtilities;
using MudBlazor;
using OrthancPortal.Features.Audit;

namespace OrthancPortal.Features.Admin.Pages;

/// <summary>
/// The audit log: filtered, sorted and paged in the database. The filter can come in the address
/// (<c>admin/audit?user=anna&amp;action=delete&amp;from=2026-12-01&amp;to=2026-12-01</c>), so other pages can link to
/// what a user did.
/// </summary>
public partial class AuditLogPage
{
    private static readonly int[] PageSizes = [25, 50, 100, 200];

    [SupplyParameterFromQuery(Name = "user")] public string? QueryUser { get; set; }
    [SupplyParameterFromQuery(Name = "action")] public string? QueryAction { get; set; }
    [SupplyParameterFromQuery(Name = "resource")] public string? QueryResource { get; set; }
    [SupplyParameterFromQuery(Name = "from")] public string? QueryFrom { get; set; }
    [SupplyParameterFromQuery(Name = "to")] public string? QueryTo { get; set; }

    private MudDataGrid<AuditEntry> grid = default!;
    private string? user, action, resource, error;
    private DateRange? range;
    private AuditFilter filter = new();
    private int total;

    protected override void OnInitialized()
    {
        user = QueryUser;
        action = QueryAction;
        resource = QueryResource;
        var from = ParseDay(QueryFrom);
        var to = ParseDay(QueryTo);
        if (from is not null || to is not null) range = new DateRange(from?.ToDateTime(TimeOnly.MinValue), to?.ToDateTime(TimeOnly.MinValue));
        Validate(out filter);
    }

    private static DateOnly? ParseDay(string? value)
        => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    private bool Validate(out AuditFilter candidate)
    {
        candidate = new AuditFilter(user, action, resource,
            range?.Start is { } start ? DateOnly.FromDateTime(start) : null,
            range?.End is { } end ? DateOnly.FromDateTime(end) : null);
        var result = new AuditFilter.Validator().Validate(candidate);
        error = result.IsValid ? null : string.Join(" ", result.Errors.Select(e => e.ErrorMessage));
        return result.IsValid;
    }

    private async Task ApplyAsync()
    {
        if (!Validate(out var candidate)) return;
        filter = candidate;
        await grid.ReloadServerData();
    }

    private async Task<GridData<AuditEntry>> LoadAsync(GridState<AuditEntry> state, CancellationToken ct)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var page = await Audit.PageAsync(filter, state.Page * state.PageSize, state.PageSize, ct, sort?.SortBy, sort?.Descending ?? true);
        if (total != page.Total)
        {
            // The count above the grid belongs to the page, which the grid does not re-render.
            total = page.Total;
            await InvokeAsync(StateHasChanged);
        }
        return new GridData<AuditEntry> { Items = page.Rows, TotalItems = page.Total };
    }

    /// <summary>The CSV of exactly what the grid shows (the applied filter, not what is typed but not applied).</summary>
    private string ExportUrl
    {
        get
        {
            var query = new Dictionary<string, string?>
            {
                ["user"] = filter.User, ["action"] = filter.Action, ["resource"] = filter.Resource,
                ["from"] = filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["to"] = filter.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            };
            return QueryHelpers.AddQueryString("api/admin/audit.csv", query.Where(kv => !string.IsNullOrEmpty(kv.Value)));
        }
    }
}
