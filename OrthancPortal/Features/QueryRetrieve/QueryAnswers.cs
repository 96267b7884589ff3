using System.Globalization;

namespace OrthancPortal.Features.QueryRetrieve;

/// <summary>One study found on a remote modality.</summary>
public sealed record StudyAnswer(
    string Modality, string StudyInstanceUid, string PatientName, string PatientId, string PatientBirthDate, string AccessionNumber,
    string StudyDate, string StudyDescription, string ModalitiesInStudy, int? SeriesCount, int? InstanceCount)
{
    public static StudyAnswer From(string modality, IReadOnlyDictionary<string, string> a) => new(
        modality, Get(a, "StudyInstanceUID"), Get(a, "PatientName"), Get(a, "PatientID"), Get(a, "PatientBirthDate"), Get(a, "AccessionNumber"),
        Get(a, "StudyDate"), Get(a, "StudyDescription"), Get(a, "ModalitiesInStudy"),
        Int(a, "NumberOfStudyRelatedSeries"), Int(a, "NumberOfStudyRelatedInstances"));

    internal static string Get(IReadOnlyDictionary<string, string> a, string key) => a.TryGetValue(key, out var v) ? v : "";

    internal static int? Int(IReadOnlyDictionary<string, string> a, string key)
        => int.TryParse(Get(a, key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
}

/// <summary>One series of a remote study.</summary>
public sealed record SeriesAnswer(
    string Modality, string StudyInstanceUid, string SeriesInstanceUid, string SeriesModality, string SeriesDescription, string SeriesNumber, int? InstanceCount)
{
    public static SeriesAnswer From(string modality, IReadOnlyDictionary<string, string> a) => new(
        modality, StudyAnswer.Get(a, "StudyInstanceUID"), StudyAnswer.Get(a, "SeriesInstanceUID"), StudyAnswer.Get(a, "Modality"),
        StudyAnswer.Get(a, "SeriesDescription"), StudyAnswer.Get(a, "SeriesNumber"), StudyAnswer.Int(a, "NumberOfSeriesRelatedInstances"));
}

/// <summary>Answers of a query, cut at the answer limit; <see cref="Total"/> says how many the remote sent.</summary>
public sealed record QueryResult<T>(IReadOnlyList<T> Answers, int Total)
{
    public bool Truncated => Total > Answers.Count;
}
