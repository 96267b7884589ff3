using Microsoft.Playwright;

namespace OrthancPortal.Tests.Features.Content;

/// <summary>Where things are on the study list (a MudDataGrid: rows carry a class, the study id sits on the patient link).</summary>
public static class StudyList
{
    /// <summary>The patient-name filter's input (MudTextField puts the data-test on its wrapper or its input).</summary>
    public const string NameFilter = "input[data-test=q-name], [data-test=q-name] input";

    public static ILocator Rows(IPage page) => page.Locator("[data-test=study-results] tr.study-row");

    public static ILocator Row(IPage page, string studyId)
        => page.Locator("[data-test=study-results] tr.study-row", new() { Has = page.Locator($"[data-study-id='{studyId}']") });

    /// <summary>The sort control of a column (absent where Orthanc cannot sort).</summary>
    public static ILocator SortHeader(IPage page, string field) => page.Locator($"[data-test=study-results] th.sort-{field} .sortable-column-header");

    /// <summary>The ids of the studies the list shows, in order.</summary>
    public static Task<string[]> IdsAsync(IPage page)
        => Rows(page).EvaluateAllAsync<string[]>("rows => rows.map(r => r.querySelector('[data-study-id]').dataset.studyId)");
}
