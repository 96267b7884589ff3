using FluentValidation;
using OrthancPortal.Features.Settings;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Viewers;

/// <summary>One "open in viewer" link. The template's placeholders are listed in <see cref="ViewerLinks"/>.</summary>
public sealed class ViewerLink
{
    public string Name { get; set; } = "";
    public string Template { get; set; } = "";
    public bool Enabled { get; set; } = true;
}

/// <summary>Viewer link templates, edited by an admin. The defaults: the built-in OHIF (on), and the viewers Orthanc plugins offer through the portal's proxy (off but the Web Viewer).</summary>
public sealed class ViewerSettings : ISettingsSection
{
    public static string SectionName => "Viewers";

    public List<ViewerLink> Links { get; set; } = Defaults();

    /// <summary>Weasis loads the study from the portal's permission-checked DICOMweb root.</summary>
    public const string WeasisTemplate = "weasis://%24dicom%3Ars%20--url%20%22{PortalUrlEncoded}dicom-web%22%20-r%20%22studyUID%3D{StudyInstanceUID}%22";

    /// <summary>The built-in OHIF (Features/Viewers/OhifEndpoints): on by default, since it needs no Orthanc plugin.</summary>
    public const string OhifTemplate = "{PortalUrl}ohif/viewer?StudyInstanceUIDs={StudyInstanceUID}";

    /// <summary>The enabled link to the built-in OHIF, offered on every row of the study list; null when an admin turned it off.</summary>
    public ViewerLink? BuiltInOhif => Links.FirstOrDefault(l => l.Enabled && l.Template.StartsWith("{PortalUrl}ohif/", StringComparison.Ordinal));

    public static List<ViewerLink> Defaults() =>
    [
        new() { Name = "Orthanc Web Viewer", Template = "{PortalUrl}web-viewer/app/viewer.html?series={SeriesId}" },
        new() { Name = "OHIF", Template = OhifTemplate },
        new() { Name = "Stone", Template = "{PortalUrl}stone-webviewer/index.html?study={StudyInstanceUID}", Enabled = false },
        new() { Name = "Weasis", Template = WeasisTemplate, Enabled = false },
    ];
}

public sealed class ViewerSettingsValidator : AbstractValidator<ViewerSettings>
{
    private static readonly IStringLocalizer<ViewerSettings> L = PortalText.For<ViewerSettings>();

    public ViewerSettingsValidator()
    {
        RuleForEach(s => s.Links).ChildRules(link =>
        {
            link.RuleFor(l => l.Name).NotEmpty().MaximumLength(40);
            link.RuleFor(l => l.Template).NotEmpty().MaximumLength(500)
                .Must(t => t.StartsWith("{PortalUrl}", StringComparison.Ordinal) || t.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                           || t.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || t.StartsWith("weasis://", StringComparison.OrdinalIgnoreCase))
                .WithMessage(_ => L["A template starts with {PortalUrl}, http://, https:// or weasis://."]);
        });
    }
}

/// <summary>Fills link templates for one study.</summary>
public static class ViewerLinks
{
    public static readonly IReadOnlyList<string> Placeholders = ["{PortalUrl}", "{PortalUrlEncoded}", "{StudyInstanceUID}", "{StudyId}", "{SeriesId}", "{PatientID}"];

    public sealed record StudyValues(string PortalUrl, string StudyInstanceUid, string StudyId, string? SeriesId, string PatientId);

    public static string Render(string template, StudyValues v) => template
        .Replace("{PortalUrlEncoded}", Uri.EscapeDataString(v.PortalUrl))
        .Replace("{PortalUrl}", v.PortalUrl)
        .Replace("{StudyInstanceUID}", Uri.EscapeDataString(v.StudyInstanceUid))
        .Replace("{StudyId}", Uri.EscapeDataString(v.StudyId))
        .Replace("{SeriesId}", Uri.EscapeDataString(v.SeriesId ?? ""))
        .Replace("{PatientID}", Uri.EscapeDataString(v.PatientId));
}
