using System.Globalization;
using OrthancPortal.Features.QueryRetrieve;

namespace OrthancPortal.Features.Robots;

/// <summary>One row of the robot's query list (the CSV columns). Dates are kept as typed until they are parsed.</summary>
public sealed class QueryListRow
{
    public string PatientName { get; set; } = "";
    public string PatientId { get; set; } = "";
    public string AccessionNumber { get; set; } = "";
    public string DateFrom { get; set; } = "";
    public string DateTo { get; set; } = "";
    public string StudyDescription { get; set; } = "";
    public string Modalities { get; set; } = "";
    /// <summary>The remote to query, by AE title; empty means the modality chosen on the page.</summary>
    public string Aet { get; set; } = "";
    public string StudyInstanceUid { get; set; } = "";
    public string SeriesInstanceUid { get; set; } = "";

    public static readonly string[] Columns =
        ["Patient Name", "Patient ID", "Accession Number", "Date From", "Date To", "Study Description", "Modalities", "AET", "Study Instance UID", "Series Instance UID"];

    private static readonly string[] DateFormats = ["yyyyMMdd", "yyyy-MM-dd", "dd.MM.yyyy", "d.M.yyyy"];

    public IReadOnlyList<string> Values() =>
        [PatientName, PatientId, AccessionNumber, DateFrom, DateTo, StudyDescription, Modalities, Aet, StudyInstanceUid, SeriesInstanceUid];

    public static QueryListRow FromValues(IReadOnlyList<string> v) => new()
    {
        PatientName = v[0], PatientId = v[1], AccessionNumber = v[2], DateFrom = v[3], DateTo = v[4],
        StudyDescription = v[5], Modalities = v[6], Aet = v[7], StudyInstanceUid = v[8], SeriesInstanceUid = v[9],
    };

    /// <summary>Turns the row into query criteria, or explains what is wrong with it.</summary>
    public (QueryCriteria? Criteria, string? Error) ToCriteria()
    {
        if (!TryDate(DateFrom, out var from)) return (null, $"'{DateFrom}' is not a date (use YYYYMMDD, YYYY-MM-DD or DD.MM.YYYY)");
        if (!TryDate(DateTo, out var to)) return (null, $"'{DateTo}' is not a date (use YYYYMMDD, YYYY-MM-DD or DD.MM.YYYY)");
        var criteria = new QueryCriteria
        {
            PatientName = PatientName.Trim(), PatientId = PatientId.Trim(), AccessionNumber = AccessionNumber.Trim(),
            StudyDescription = StudyDescription.Trim(), Modalities = Modalities.Trim(), DateFrom = from, DateTo = to,
            StudyInstanceUid = StudyInstanceUid.Trim(), SeriesInstanceUid = SeriesInstanceUid.Trim(),
        };
        if (criteria.IsEmpty) return (null, "the row is empty: it would match every study");
        if (criteria.SeriesInstanceUid != "" && criteria.StudyInstanceUid == "") return (null, "a Series Instance UID needs its Study Instance UID");
        if (Aet.Trim().Length > 16) return (null, "an AET has at most 16 characters");
        var result = new QueryCriteria.Validator().Validate(criteria);
        return result.IsValid ? (criteria, null) : (null, string.Join(" ", result.Errors.Select(e => e.ErrorMessage)));
    }

    private static bool TryDate(string text, out DateOnly? date)
    {
        date = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!DateOnly.TryParseExact(text.Trim(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return false;
        date = d;
        return true;
    }
}
