using OrthancPortal.Features.Viewers;

namespace OrthancPortal.Features.Worklists;

/// <summary>Links that open a study in a viewer: Weasis (over the portal's DICOMweb) and a plain browser viewer.</summary>
public static class WorklistStudyLinks
{
    /// <summary>A weasis:// URL for the study, from the same template as the content pages' Weasis link.</summary>
    public static string Weasis(string portalBaseUri, string studyInstanceUid)
        => ViewerLinks.Render(ViewerSettings.WeasisTemplate, new(portalBaseUri, studyInstanceUid, "", null, ""));

    public static string Viewer(string template, string orthancStudyId, string studyInstanceUid)
        => template.Replace("{OrthancStudyId}", Uri.EscapeDataString(orthancStudyId)).Replace("{StudyInstanceUID}", Uri.EscapeDataString(studyInstanceUid));
}
