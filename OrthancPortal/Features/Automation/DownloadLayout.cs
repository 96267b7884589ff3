using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Automation;

/// <summary>
/// autorthanc's output layout: &lt;output&gt;/&lt;rule&gt;/&lt;PatientID&gt;-&lt;PatientName before ^&gt;-EX&lt;StudyID&gt;[-SE&lt;SeriesNumber&gt;],
/// with SE&lt;num&gt;-&lt;SeriesDate&gt;-&lt;SeriesUID&gt;/&lt;SOPInstanceUID&gt;.dcm inside. Every DICOM value is sanitized.
/// </summary>
public static class DownloadLayout
{
    public const string WorkingSuffix = ".WORKING";

    public static string FolderName(OrthancStudy study, OrthancSeries? series)
    {
        var name = study.Tag("PatientName");
        var caret = name.IndexOf('^');
        var family = caret >= 0 ? name[..caret] : name;
        var folder = $"{PathSanitizer.Segment(study.Tag("PatientID"))}-{PathSanitizer.Segment(family)}-EX{PathSanitizer.Segment(study.Tag("StudyID"))}";
        return series is null ? folder : $"{folder}-SE{PathSanitizer.Segment(series.Tag("SeriesNumber"))}";
    }

    public static string SeriesFolderName(OrthancSeries series)
        => $"SE{PathSanitizer.Segment(series.Tag("SeriesNumber"))}-{PathSanitizer.Segment(series.Tag("SeriesDate"))}-{PathSanitizer.Segment(series.Tag("SeriesInstanceUID"), series.ID)}";

    public static string InstanceFileName(OrthancInstance instance)
        => $"{PathSanitizer.Segment(instance.Tag("SOPInstanceUID"), instance.ID, 128)}.dcm";

    /// <summary>The rule's folder under an output root; the rule id is sanitized too (file names are user-made).</summary>
    public static string RuleFolder(string outputRoot, string ruleId) => PathSanitizer.Combine(outputRoot, PathSanitizer.Segment(ruleId, "rule"));

    public static string TargetName(RuleTarget target)
        => FolderName(target.Study, target.Level == ResourceLevel.Series ? target.Series[0] : null);
}
