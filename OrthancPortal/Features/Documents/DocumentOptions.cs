namespace OrthancPortal.Features.Documents;

/// <summary>
/// Limits for documents and photos attached to a study (config section "Documents"). Orthanc's create-dicom takes the file
/// as base64 inside one JSON body, so Orthanc holds it whole in memory: the size stays modest on purpose.
/// </summary>
public sealed class DocumentOptions
{
    public const string Section = "Documents";

    public long MaxFileBytes { get; set; } = 25 * 1024 * 1024;
    public int MaxFilesPerRequest { get; set; } = 10;

    public bool IsValid => MaxFileBytes is >= 1024 and <= 512L * 1024 * 1024 && MaxFilesPerRequest is >= 1 and <= 100;
}
