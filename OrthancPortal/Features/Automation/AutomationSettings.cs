using FluentValidation;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Automation;

/// <summary>Where rule files are read and results written, and who owns what is written (autorthanc's UID/GID).</summary>
public sealed class AutomationSettings : ISettingsSection
{
    public static string SectionName => "Automation";

    /// <summary>Watched for *.json rule files. Empty: &lt;data&gt;/automation/rules.</summary>
    public string RulesFolder { get; set; } = "";
    /// <summary>Default root for Download and Zip steps. Empty: &lt;data&gt;/automation/output.</summary>
    public string OutputFolder { get; set; } = "";
    /// <summary>When set, everything written is chowned to this user/group once complete (the portal must be allowed to).</summary>
    public int? OwnerUid { get; set; }
    public int? OwnerGid { get; set; }
    /// <summary>Longest a forward or anonymize job may take before the run fails.</summary>
    public int JobTimeoutMinutes { get; set; } = 30;
    /// <summary>Which stable studies and series the rules look at (default: those sent by DICOM from a modality). "Run again" ignores it.</summary>
    public Orthanc.TriggerSources Sources { get; set; } = new();

    public string ResolveRulesFolder(PortalOptions portal)
        => portal.Resolve(string.IsNullOrWhiteSpace(RulesFolder) ? Path.Combine("automation", "rules") : RulesFolder);

    public string ResolveOutputFolder(PortalOptions portal)
        => portal.Resolve(string.IsNullOrWhiteSpace(OutputFolder) ? Path.Combine("automation", "output") : OutputFolder);

    public bool UsesDefaultOutput => string.IsNullOrWhiteSpace(OutputFolder);

    public sealed class Validator : AbstractValidator<AutomationSettings>
    {
        private static readonly IStringLocalizer<AutomationSettings> L = PortalText.For<AutomationSettings>();

        public Validator()
        {
            RuleFor(x => x.RulesFolder).Must(p => string.IsNullOrWhiteSpace(p) || Path.IsPathRooted(p)).WithMessage(_ => L["The rules folder must be an absolute path (or empty for the default)."]);
            RuleFor(x => x.OutputFolder).Must(p => string.IsNullOrWhiteSpace(p) || Path.IsPathRooted(p)).WithMessage(_ => L["The output folder must be an absolute path (or empty for the default)."]);
            RuleFor(x => x.OwnerUid).GreaterThanOrEqualTo(0);
            RuleFor(x => x.OwnerGid).GreaterThanOrEqualTo(0);
            RuleFor(x => x.Sources).Must(v => v.Problem() is null).WithMessage(x => L["Sources: {0}", x.Sources.Problem()!]);
            RuleFor(x => x.JobTimeoutMinutes).InclusiveBetween(1, 24 * 60);
        }
    }
}
