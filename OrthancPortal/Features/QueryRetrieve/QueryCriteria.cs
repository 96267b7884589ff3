using FluentValidation;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.QueryRetrieve;

/// <summary>What a user searches a remote PACS for. Empty fields match everything.</summary>
public sealed record QueryCriteria
{
    public string PatientName { get; init; } = "";
    public string PatientId { get; init; } = "";
    public string AccessionNumber { get; init; } = "";
    public string StudyDescription { get; init; } = "";
    /// <summary>Modalities in study, separated by space, comma or backslash (e.g. "CT MR").</summary>
    public string Modalities { get; init; } = "";
    public DateOnly? DateFrom { get; init; }
    public DateOnly? DateTo { get; init; }
    public string StudyInstanceUid { get; init; } = "";
    public string SeriesInstanceUid { get; init; } = "";

    /// <summary>A query with nothing in it matches the whole remote archive.</summary>
    public bool IsEmpty => string.IsNullOrWhiteSpace(PatientName) && string.IsNullOrWhiteSpace(PatientId) && string.IsNullOrWhiteSpace(AccessionNumber)
        && string.IsNullOrWhiteSpace(StudyDescription) && string.IsNullOrWhiteSpace(Modalities) && DateFrom is null && DateTo is null
        && string.IsNullOrWhiteSpace(StudyInstanceUid) && string.IsNullOrWhiteSpace(SeriesInstanceUid);

    public IReadOnlyList<string> ModalityList => Modalities.Split([' ', ',', '\\', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(m => m.ToUpperInvariant()).ToList();

    /// <summary>A DICOM date range: "20240101-20241231", "20240101-", "-20241231", or "" when open.</summary>
    public string DicomDateRange => OrthancPortal.Infrastructure.Dicom.DicomDateRange.Format(DateFrom, DateTo) ?? "";

    /// <summary>The C-FIND keys at study level: the filters, plus the empty keys we want returned.</summary>
    public Dictionary<string, string> ToStudyQuery() => new()
    {
        ["PatientName"] = PatientName.Trim(),
        ["PatientID"] = PatientId.Trim(),
        ["AccessionNumber"] = AccessionNumber.Trim(),
        ["StudyDescription"] = StudyDescription.Trim(),
        ["ModalitiesInStudy"] = string.Join('\\', ModalityList),
        ["StudyDate"] = DicomDateRange,
        ["StudyInstanceUID"] = StudyInstanceUid.Trim(),
        ["PatientBirthDate"] = "",
        ["NumberOfStudyRelatedSeries"] = "",
        ["NumberOfStudyRelatedInstances"] = "",
    };

    public sealed class Validator : AbstractValidator<QueryCriteria>
    {
        private static readonly IStringLocalizer<QueryCriteria> L = PortalText.For<QueryCriteria>();

        public Validator()
        {
            RuleFor(x => x.PatientName).MaximumLength(64);
            RuleFor(x => x.PatientId).MaximumLength(64);
            RuleFor(x => x.AccessionNumber).MaximumLength(16);
            RuleFor(x => x.StudyDescription).MaximumLength(64);
            RuleForEach(x => x.ModalityList).Matches("^[A-Z]{1,16}$").WithMessage(_ => L["Modalities are codes like CT, MR or US."]);
            RuleFor(x => x.StudyInstanceUid).Matches("^[0-9.]{0,64}$").WithMessage(_ => L["A Study Instance UID has only digits and dots."]);
            RuleFor(x => x.SeriesInstanceUid).Matches("^[0-9.]{0,64}$").WithMessage(_ => L["A Series Instance UID has only digits and dots."]);
            RuleFor(x => x).Must(x => x.DateFrom is null || x.DateTo is null || x.DateFrom <= x.DateTo)
                .WithMessage(_ => L["The start date is after the end date."]);
            // A backslash separates multiple values in DICOM: in free text it would silently change the query.
            RuleFor(x => x).Must(x => !(x.PatientName + x.PatientId + x.AccessionNumber + x.StudyDescription).Contains('\\'))
                .WithMessage(_ => L["Text fields may not contain a backslash."]);
        }
    }
}
