using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using OrthancPortal.Features.Access;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Anonymization.Pages;

public partial class PseudonymsPage
{
    /// <summary>Larger tables than this are imported by an admin on the server, not through the browser.</summary>
    public const long MaxImportBytes = 20 * 1024 * 1024;
    private static readonly int[] PageSizes = [10, 25, 50, 100];

    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private MudDataGrid<PseudonymMapRow>? grid;
    private IReadOnlyList<PseudonymProject>? projects;
    private string? shown, search;
    private bool isAdmin, importing;
    private string newName = "", newPrefix = "PSN";
    private PseudonymMode newMode = PseudonymMode.Sequential;
    private int newWidth = 6;
    private string? nameError, prefixError, widthError;

    private sealed record ImportShown(string Project, PseudonymImportResult Result);
    private ImportShown? import;

    protected override async Task OnInitializedAsync()
    {
        isAdmin = (await Authorization.AuthorizeAsync((await AuthState).User, Permissions.Admin)).Succeeded;
        projects = await Pseudonyms.ProjectsAsync();
    }

    private static string ExportHref(string project) => $"api/pseudonyms/{Uri.EscapeDataString(project)}/map.csv";

    private string Example => newMode == PseudonymMode.Sequential
        ? $"{newPrefix}{1.ToString().PadLeft(Math.Clamp(newWidth, 1, 16), '0')}"
        : $"{newPrefix}{new string('X', Math.Clamp(newWidth, 4, 16))}";

    private string Describe(PseudonymProject p) => p.Mode == PseudonymMode.Sequential
        ? L["{0} upwards", $"{p.Prefix}{1.ToString().PadLeft(p.Width, '0')}"]
        : L["{0} and {1} random characters", p.Prefix, p.Width];

    /// <summary>"study-b: 1 pseudonym imported, 2 were already in the table": singular and plural each have their own text.</summary>
    private string ImportSummary(ImportShown shown)
    {
        var added = shown.Result.Added == 1 ? L["{0} pseudonym imported", 1] : L["{0} pseudonyms imported", shown.Result.Added];
        var unchanged = shown.Result.Unchanged == 1 ? L["{0} was already in the table", 1] : L["{0} were already in the table", shown.Result.Unchanged];
        return $"{shown.Project}: {added}, {unchanged}.";
    }

    private string Describe(PseudonymImportError e)
    {
        string what = e.Problem switch
        {
            PseudonymImportProblem.NotCsv => L["the line is not valid CSV (a quote is not closed?)."],
            PseudonymImportProblem.MissingColumns => L["the header needs the columns Pseudonym and OriginalPatientID."],
            PseudonymImportProblem.TooManyRows => L["more than {0} rows; import the table in parts.", PseudonymService.MaxImportRows],
            PseudonymImportProblem.NoPseudonym => L["the pseudonym is empty."],
            PseudonymImportProblem.NoOriginalId => L["the original patient ID of {0} is empty.", e.Value ?? ""],
            PseudonymImportProblem.TooLong => L["a pseudonym or patient ID has more than 64 characters."],
            PseudonymImportProblem.BadDateShift => L["“{0}” is not a number of days.", e.Value ?? ""],
            PseudonymImportProblem.DuplicateInFile => L["{0} appears twice in the file.", e.Value ?? ""],
            PseudonymImportProblem.OriginalHasAnotherPseudonym => L["the patient ID {0} already has another pseudonym in this project.", e.Value ?? ""],
            PseudonymImportProblem.PseudonymTaken => L["the pseudonym {0} already stands for another patient in this project.", e.Value ?? ""],
            _ => e.Problem.ToString(),
        };
        return e.Line > 0 ? L["Line {0}: {1}", e.Line, what] : L["The file: {0}", what];
    }

    private async Task ShowAsync(string project)
    {
        search = null;
        shown = project;
        // A grid already on the page keeps its rows until told; a new one loads by itself.
        if (grid is not null) await grid.ReloadServerData();
    }

    private async Task<GridData<PseudonymMapRow>> LoadAsync(GridState<PseudonymMapRow> state, CancellationToken ct)
    {
        if (shown is null) return new GridData<PseudonymMapRow> { Items = [], TotalItems = 0 };
        var sort = state.SortDefinitions.FirstOrDefault();
        var (rows, total) = await Pseudonyms.ReverseMapPageAsync(shown, await Actors.GetAsync(), search, sort?.SortBy, sort?.Descending ?? false,
            state.Page * state.PageSize, state.PageSize, ct);
        return new GridData<PseudonymMapRow> { Items = rows, TotalItems = total };
    }

    private async Task SearchAsync(string? value)
    {
        search = value;
        if (grid is not null) await grid.ReloadServerData();
    }

    private async Task ImportAsync(string project, IBrowserFile? file)
    {
        if (file is null) return;
        // The page is open to ViewPseudonymMap; changing a table is for admins, checked here on the server too.
        if (!(await Authorization.AuthorizeAsync((await AuthState).User, Permissions.Admin)).Succeeded) return;
        if (file.Size > MaxImportBytes)
        {
            Snackbar.Add(L["{0} is larger than {1}; split the table.", file.Name, PortalFormat.Bytes(MaxImportBytes)], Severity.Error);
            return;
        }
        importing = true;
        import = null;
        try
        {
            await using var stream = file.OpenReadStream(MaxImportBytes);
            var result = await Pseudonyms.ImportCsvAsync(project, stream, System.Globalization.CultureInfo.CurrentCulture, await Actors.GetAsync());
            import = new ImportShown(project, result);
            if (result.Succeeded && shown == project && grid is not null) await grid.ReloadServerData();
        }
        finally { importing = false; }
    }

    private async Task CreateAsync()
    {
        if (!(await Authorization.AuthorizeAsync((await AuthState).User, Permissions.Admin)).Succeeded) return;
        newName = newName.Trim();
        nameError = !Regex.IsMatch(newName, "^[A-Za-z0-9_.-]{1,64}$") ? L["A project name has 1 to 64 letters, digits, '_', '.' or '-'."].Value
            : projects!.Any(p => p.Name == newName) ? L["A project with that name exists."].Value : null;
        prefixError = !Regex.IsMatch(newPrefix ?? "", "^[A-Za-z0-9_-]{0,16}$") ? L["A prefix has at most 16 letters, digits, '_' or '-'."].Value : null;
        widthError = newWidth is < 4 or > 16 ? L["The width is 4 to 16."].Value : null;
        if (nameError is not null || prefixError is not null || widthError is not null) return;
        await Pseudonyms.CreateProjectAsync(newName, newMode, newPrefix ?? "", newWidth, await Actors.GetAsync());
        Snackbar.Add(L["Project {0} created.", newName], Severity.Success);
        projects = await Pseudonyms.ProjectsAsync();
        newName = "";
    }
}
