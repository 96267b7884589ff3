using FluentValidation;
using OrthancPortal.Features.Gdt;
using OrthancPortal.Features.Settings;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Worklists;

/// <summary>Modality worklists: where the .wl files go, defaults for AIS calls, cleanup and the webhook.</summary>
public sealed class WorklistSettings : ISettingsSection
{
    public static string SectionName => "Worklists";

    /// <summary>
    /// The folder Orthanc's ModalityWorklists plugin reads. Empty: &lt;data folder&gt;/worklists, which the managed
    /// Orthanc is configured with. With an external Orthanc, set it to that Orthanc's Worklists.Database folder.
    /// A relative path is taken under the data folder.
    /// </summary>
    public string? Folder { get; set; }
    public string DefaultModality { get; set; } = "US";
    public string DefaultStation { get; set; } = "US01";
    /// <summary>Seconds between cleanups of past and completed entries; empty turns cleanup off.</summary>
    public int? CleanupIntervalSeconds { get; set; }
    /// <summary>Called (GET) after an entry is added.</summary>
    public string? UrlOnWorklistEntryAdded { get; set; }
    /// <summary>
    /// Link beside studies on the worklist page; by default the portal's study page (which has the viewer buttons).
    /// Placeholders: {StudyInstanceUID}, {OrthancStudyId}.
    /// </summary>
    public string ViewerUrlTemplate { get; set; } = "content/studies/{OrthancStudyId}";

    public sealed class Validator : AbstractValidator<WorklistSettings>
    {
        private static readonly IStringLocalizer<WorklistSettings> L = PortalText.For<WorklistSettings>();

        public Validator()
        {
            RuleFor(x => x.DefaultModality).NotEmpty().MaximumLength(16).Matches("^[A-Z0-9]+$").WithName(_ => L["Default modality"]);
            RuleFor(x => x.DefaultStation).NotEmpty().MaximumLength(16).WithName(_ => L["Default station"]);
            RuleFor(x => x.CleanupIntervalSeconds).InclusiveBetween(1, 86400).WithName(_ => L["Cleanup interval"]).When(x => x.CleanupIntervalSeconds is not null);
            RuleFor(x => x.UrlOnWorklistEntryAdded).Must(Webhooks.IsHttpUrl!).When(x => !string.IsNullOrWhiteSpace(x.UrlOnWorklistEntryAdded))
                .WithMessage(_ => L["The webhook must be an http(s) URL."]);
        }
    }
}
