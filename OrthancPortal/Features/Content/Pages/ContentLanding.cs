using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Content.Pages;

/// <summary>
/// Where a content page goes once what it shows is deleted: the nearest parent Orthanc still has. Orthanc removes a
/// series with its last instance, a study with its last series and a patient with its last study, so the page asks
/// rather than guesses; with none left, the study list.
/// </summary>
public static class ContentLanding
{
    public const string StudyList = "content/studies";

    /// <summary>The page of the first of <paramref name="parents"/> (nearest first) that still exists.</summary>
    public static async Task<string> NearestAsync(ContentService content, params (ResourceLevel Level, string? Id)[] parents)
    {
        foreach (var (level, id) in parents)
        {
            if (string.IsNullOrEmpty(id)) continue;
            try
            {
                switch (level)
                {
                    case ResourceLevel.Series: await content.GetSeriesAsync(id); break;
                    case ResourceLevel.Study: await content.GetStudyAsync(id); break;
                    case ResourceLevel.Patient: await content.GetPatientAsync(id); break;
                    default: continue;
                }
                return PageOf(level, id);
            }
            catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound) { }
        }
        return StudyList;
    }

    public static string PageOf(ResourceLevel level, string id) => level switch
    {
        ResourceLevel.Patient => $"content/patients/{id}",
        ResourceLevel.Study => $"content/studies/{id}",
        ResourceLevel.Series => $"content/series/{id}",
        _ => $"content/instances/{id}",
    };
}
