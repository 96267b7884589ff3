using System.Globalization;
using FluentValidation;
using OrthancPortal.Infrastructure.Dicom;
using OrthancPortal.Features.Labels;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Localization;
using Microsoft.Extensions.Localization;

namespace OrthancPortal.Features.Content;

/// <summary>What the user typed into the study search. Text fields take Orthanc's wildcards (* and ?).</summary>
public sealed class StudyQuery
{
    public string? PatientName { get; set; }
    public string? PatientId { get; set; }
    public string? AccessionNumber { get; set; }
    public string? StudyDescription { get; set; }
    public List<string> Modalities { get; set; } = [];
    public DateOnly? From { get; set; }
    public DateOnly? To { get; set; }
    /// <summary>Studies carrying these labels (Orthanc 1.12), combined by <see cref="LabelMatch"/>.</summary>
    public List<string> Labels { get; set; } = [];
    public LabelMatch LabelMatch { get; set; } = LabelMatch.All;

    public static readonly IReadOnlyList<string> KnownModalities = ["CT", "MR", "US", "CR", "DX", "MG", "NM", "PT", "XA", "RF", "OT", "SC", "SR", "ES", "IO", "PX"];

    /// <summary>
    /// A name or description as people type it: a plain part ("anna") matches anywhere ("*anna*", so it finds
    /// "Muster^Anna"); a value with its own wildcards is taken as written; one in double quotes is matched exactly.
    /// </summary>
    public static string? Contains(string? value)
    {
        var v = value?.Trim();
        if (string.IsNullOrEmpty(v)) return null;
        if (v.Length >= 2 && v[0] == '"' && v[^1] == '"') return v[1..^1].Trim() is { Length: > 0 } exact ? exact : null;
        return v.Contains('*') || v.Contains('?') ? v : $"*{v}*";
    }

    /// <summary>The /tools/find query: only fields the user filled in.</summary>
    public Dictionary<string, string> ToOrthancQuery()
    {
        var q = new Dictionary<string, string>();
        void Add(string tag, string? value) { if (!string.IsNullOrWhiteSpace(value)) q[tag] = value.Trim(); }
        Add("PatientName", Contains(PatientName));
        Add("PatientID", PatientId);
        Add("AccessionNumber", AccessionNumber);
        Add("StudyDescription", Contains(StudyDescription));
        if (Modalities.Count > 0) q["ModalitiesInStudy"] = string.Join('\\', Modalities);
        // The validator refuses reversed ranges before this is called.
        var range = From > To ? null : DicomDateRange.Format(From, To);
        if (range is not null) q["StudyDate"] = range;
        return q;
    }
}

public sealed class StudyQueryValidator : AbstractValidator<StudyQuery>
{
    private static readonly IStringLocalizer<StudyQueryValidator> L = PortalText.For<StudyQueryValidator>();

    // Characters that cannot occur in PN/LO/SH values; a backslash would split the value into several in Orthanc.
    private static bool PlainText(string? v) => v is null || v.All(c => !char.IsControl(c) && c != '\\');

    public StudyQueryValidator()
    {
        RuleFor(q => q.PatientName).MaximumLength(64).Must(PlainText).WithMessage(_ => L["Patient name: no control characters or backslashes."]);
        RuleFor(q => q.PatientId).MaximumLength(64).Must(PlainText).WithMessage(_ => L["Patient ID: no control characters or backslashes."]);
        RuleFor(q => q.AccessionNumber).MaximumLength(16).Must(PlainText).WithMessage(_ => L["Accession number: no control characters or backslashes."]);
        RuleFor(q => q.StudyDescription).MaximumLength(64).Must(PlainText).WithMessage(_ => L["Study description: no control characters or backslashes."]);
        RuleForEach(q => q.Modalities).Matches("^[A-Z]{2,3}$").WithMessage(_ => L["'{PropertyValue}' is not a modality."]);
        RuleForEach(q => q.Labels).Must(OrthancClient.IsLabel).WithMessage(_ => L["'{PropertyValue}' is not a label: use 1 to 64 letters, digits, '_' or '-'."]);
        RuleFor(q => q.Labels.Count).LessThanOrEqualTo(20).WithMessage(_ => L["Filter by at most 20 labels."]).OverridePropertyName("Labels");
        RuleFor(q => q.LabelMatch).IsInEnum();
        RuleFor(q => q.From).Must(d => d is null || d.Value.Year >= 1900).WithMessage(_ => L["The start date must be after 1900."]);
        RuleFor(q => q.To).Must(d => d is null || d.Value.Year <= 2200).WithMessage(_ => L["The end date is too far in the future."]);
        RuleFor(q => q).Must(q => q.From is null || q.To is null || q.From <= q.To).WithMessage(_ => L["The start date is after the end date."])
            .OverridePropertyName("Dates");
    }
}

/// <summary>One row of the study list.</summary>
/// <remarks>Dates are ISO (yyyy-MM-dd, the API's form); pages show them with <c>PortalFormat.DicomDate(row.StudyDate.Replace("-", ""))</c>.</remarks>
public sealed record StudyRow(string Id, string PatientOrthancId, string PatientName, string PatientId, string BirthDate, string StudyDate,
    string Description, string Accession, int SeriesCount, string StudyInstanceUid, IReadOnlyList<string>? Labels = null, string Modalities = "")
{
    // A row is its study. MudDataGrid keys its rows by the item: with the record's own equality the label list (a new
    // list on every load) made each reload a new row, so the grid replaced the row's elements and a tick clicked while
    // the list refreshed was lost. Equal by id, a reloaded row keeps its elements and only its contents are updated.
    public bool Equals(StudyRow? other) => other is not null && other.Id == Id;
    public override int GetHashCode() => Id.GetHashCode(StringComparison.Ordinal);

    public static StudyRow From(OrthancStudy s) => new(s.ID, s.ParentPatient, PortalFormat.PersonName(s.Tag("PatientName")), s.Tag("PatientID"),
        DicomText.Date(s.Tag("PatientBirthDate")), DicomText.Date(s.Tag("StudyDate")), s.Tag("StudyDescription"), s.Tag("AccessionNumber"), s.Series.Count,
        s.Tag("StudyInstanceUID"), s.Labels?.Order(StringComparer.Ordinal).ToList(), s.Tag("ModalitiesInStudy").Replace('\\', '/'));
}

/// <summary>The columns the study list can be sorted on (by the Orthanc server, with ExtendedFind).</summary>
public enum StudySortField { StudyDate, PatientName, PatientId, StudyDescription, AccessionNumber }

public sealed record StudySort(StudySortField Field, bool Descending)
{
    /// <summary>Newest first: what people look for in a list of studies.</summary>
    public static readonly StudySort Default = new(StudySortField.StudyDate, true);

    public IReadOnlyList<FindOrder> ToOrthancOrder()
    {
        var direction = Descending ? "DESC" : "ASC";
        List<FindOrder> order = Field switch
        {
            // Same-day studies by their time; the tag names are Orthanc's (main DICOM tags of the study and patient).
            StudySortField.StudyDate => [new("StudyDate", direction), new("StudyTime", direction)],
            StudySortField.PatientName => [new("PatientName", direction)],
            StudySortField.PatientId => [new("PatientID", direction)],
            StudySortField.StudyDescription => [new("StudyDescription", direction)],
            _ => [new("AccessionNumber", direction)],
        };
        // A stable order across pages for rows that tie on the chosen column.
        if (Field != StudySortField.StudyDate) order.Add(new("StudyDate", "DESC"));
        order.Add(new("StudyInstanceUID", "ASC"));
        return order;
    }
}

/// <summary>
/// One page of results. With ExtendedFind (Orthanc 1.12.5+) Orthanc sorts and counts, so <see cref="Total"/> and
/// <see cref="Sort"/> are set and pages have numbers. Orthanc 1.10.1's /tools/find has neither a sort nor a count:
/// pages follow Orthanc's storage order and we ask for one row more than we show to know whether a next page exists.
/// Either way the cost of a page stays flat however many studies match.
/// </summary>
/// <param name="Notice">Why the list is empty whatever the filter (a label-limited role on an Orthanc without labels).</param>
/// <param name="SortNotice">Why this list is not sorted or counted (<see cref="OrthancCapabilities.SortUnavailableReason"/>), for the page to show; null when it is.</param>
public sealed record StudyResultPage(IReadOnlyList<StudyRow> Rows, int Page, int PageSize, bool HasMore, long? Total = null, StudySort? Sort = null,
    string? OrthancVersion = null, string? Notice = null, string? SortNotice = null)
{
    public int FirstRow => Page * PageSize + 1;
    public int LastRow => Page * PageSize + Rows.Count;
    public int? PageCount => Total is { } t ? (int)Math.Max(1, (t + PageSize - 1) / PageSize) : null;
}

public sealed class StudySearchService(OrthancClient orthanc, OrthancCapabilitiesProvider capabilities, StudyAccess access)
{
    public const int MaxPageSize = 200;

    /// <param name="sort">The order (default newest first); ignored by an Orthanc without ExtendedFind, which the result says.</param>
    public async Task<StudyResultPage> SearchAsync(StudyQuery query, int page, int pageSize, StudySort? sort = null, CancellationToken ct = default)
    {
        var validation = await new StudyQueryValidator().ValidateAsync(query, ct);
        if (!validation.IsValid) throw new ValidationException(validation.Errors);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        page = Math.Clamp(page, 0, int.MaxValue / MaxPageSize - 1);
        // Every filter of StudyQuery is a main DICOM tag of the study or patient, or ModalitiesInStudy, all of which
        // Orthanc's database stores: so Orthanc accepts Limit/Since (it refuses them for filters on other tags).
        var filter = query.ToOrthancQuery();
        var can = await capabilities.GetAsync(ct);
        var limit = await access.CurrentLimitAsync();
        if (limit is not null && !can.HasLabels)
        {
            return new StudyResultPage([], 0, pageSize, false, OrthancVersion: can.Version, Notice: await access.NoLabelsReasonAsync(limit, ct));
        }
        if (query.Labels.Count > 0 && !can.HasLabels)
        {
            // Orthanc 1.10.1 would ignore the labels and list every study.
            throw new ValidationException($"This Orthanc (version {can.Version}) has no labels, so it cannot filter by them.");
        }
        var labels = LabelsFor(query, limit);
        if (!can.HasExtendedFind)
        {
            var found = await orthanc.FindStudiesAsync(filter, limit: pageSize + 1, since: page * pageSize, ct: ct, labels: labels);
            return new StudyResultPage(found.Take(pageSize).Select(StudyRow.From).ToList(), page, pageSize, found.Count > pageSize, OrthancVersion: can.Version,
                SortNotice: can.SortUnavailableReason);
        }
        sort ??= StudySort.Default;
        var count = orthanc.CountResourcesAsync("Study", filter, ct, labels);
        var rows = orthanc.FindStudiesAsync(filter, limit: pageSize, since: page * pageSize, orderBy: sort.ToOrthancOrder(), ct: ct, labels: labels);
        await Task.WhenAll(count, rows);
        return new StudyResultPage(rows.Result.Select(StudyRow.From).ToList(), page, pageSize, (long)(page + 1) * pageSize < count.Result, count.Result, sort, can.Version);
    }

    /// <summary>
    /// The label part of the query. Orthanc takes one list and one constraint, so a label-limited user's own filter
    /// must stay inside the limit: "any of" only labels of the limit, "all of" at least one of them; "none of" cannot
    /// be combined with a limit.
    /// </summary>
    private static LabelFilter? LabelsFor(StudyQuery query, LabelLimit? limit)
    {
        var wanted = query.Labels.Distinct(StringComparer.Ordinal).ToList();
        if (limit is null) return wanted.Count == 0 ? null : new LabelFilter(wanted, query.LabelMatch);
        if (wanted.Count == 0) return new LabelFilter(limit.Labels.Order(StringComparer.Ordinal).ToList(), LabelMatch.Any);
        var ok = query.LabelMatch switch
        {
            LabelMatch.Any => wanted.All(limit.Labels.Contains),
            LabelMatch.All => wanted.Any(limit.Labels.Contains),
            _ => false,
        };
        if (!ok) throw new ValidationException($"Your role sees only studies labelled {limit.Describe()}: filter by those labels (\"none of\" is not possible).");
        return new LabelFilter(wanted, query.LabelMatch);
    }
}

/// <summary>DICOM values as people read them.</summary>
public static class DicomText
{
    /// <summary>"Muster^Anna" becomes "Muster, Anna".</summary>
    public static string Name(string pn) => string.Join(", ", pn.Split('^', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim()).Where(p => p.Length > 0));

    /// <summary>"20240131" becomes "2024-01-31"; anything else is shown as it is.</summary>
    public static string Date(string da) => da.Length == 8 && da.All(char.IsAsciiDigit) ? $"{da[..4]}-{da[4..6]}-{da[6..]}" : da;
}
