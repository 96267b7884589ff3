namespace OrthancPortal.Features.Anonymization;

/// <summary>The two profiles every installation has.</summary>
public static class BuiltInProfiles
{
    public const string DefaultId = "default";
    public const string FullId = "full";
    public const string SecondaryCaptureStorage = "1.2.840.10008.5.1.4.1.1.7";
    /// <summary>The SR storage classes (basic, enhanced, comprehensive, comprehensive 3D, key object selection, dose).</summary>
    public static readonly IReadOnlyList<string> StructuredReportClasses =
    [
        "1.2.840.10008.5.1.4.1.1.88.11", "1.2.840.10008.5.1.4.1.1.88.22", "1.2.840.10008.5.1.4.1.1.88.33",
        "1.2.840.10008.5.1.4.1.1.88.34", "1.2.840.10008.5.1.4.1.1.88.59", "1.2.840.10008.5.1.4.1.1.88.67",
    ];

    /// <summary>Dates and times (0008,0020-0035, 0008,0201, 0038,0020/21, 0040,0244/45, 0040,0002-0005, 0010,21D0).</summary>
    public static readonly IReadOnlyList<string> DatesAndTimes =
    [
        "0008,0020", "0008,0021", "0008,0022", "0008,0023", "0008,0024", "0008,0025",
        "0008,0030", "0008,0031", "0008,0032", "0008,0033", "0008,0034", "0008,0035",
        "0008,0201", "0038,0020", "0038,0021", "0040,0244", "0040,0245",
        "0040,0002", "0040,0003", "0040,0004", "0040,0005", "0010,21D0",
    ];

    /// <summary>Body data: EthnicGroup, SmokingStatus, PatientSex, PatientSexNeutered, PatientAge, PregnancyStatus, PatientSize, PatientWeight.</summary>
    public static readonly IReadOnlyList<string> BodyData =
        ["0010,2160", "0010,21A0", "0010,0040", "0010,2203", "0010,1010", "0010,21C0", "0010,1020", "0010,1030"];

    /// <summary>SeriesDescription (0008,103E).</summary>
    public const string SeriesDescription = "0008,103E";

    /// <summary>
    /// Default: the basic profile, but dates/times, body data and the series description stay; the study
    /// description is replaced (by the user's value, else emptied); Secondary Capture and SR series are dropped.
    /// </summary>
    public static AnonymizationProfile Default { get; } = new(DefaultId, "Default", 1, true, new ProfileRules
    {
        Keep = [.. DatesAndTimes, .. BodyData, SeriesDescription],
        Replace = new Dictionary<string, string> { ["StudyDescription"] = "" },
        DropSopClasses = [SecondaryCaptureStorage, .. StructuredReportClasses],
    });

    /// <summary>
    /// Full: exactly Orthanc's 2021b basic profile with new names and ids. Unlike the reference portal, no tag
    /// gets an undefined action: nothing is kept, so every date the basic profile covers goes.
    /// </summary>
    public static AnonymizationProfile Full { get; } = new(FullId, "Full (DICOM basic profile 2021b)", 1, true, new ProfileRules());

    public static IReadOnlyList<AnonymizationProfile> All { get; } = [Default, Full];
}
