using FluentValidation;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;
using OrthancPortal.Features.Settings;

namespace OrthancPortal.Features.Gdt;

/// <summary>Where and how GDT files are written for the doctors' office system.</summary>
public sealed class GdtSettings : ISettingsSection
{
    public static string SectionName => "Gdt";

    /// <summary>The AIS import folder. Empty: no GDT files are written; a relative path is taken under the data folder.</summary>
    public string? Folder { get; set; }
    public GdtVersion Version { get; set; } = GdtVersion.V210;
    public GdtCharset Charset { get; set; } = GdtCharset.Iso8859_1;
    public string ReceiverId { get; set; } = "PRAX_EDV";
    public string SenderId { get; set; } = "ORTHANC";
    public string TestId { get; set; } = "EXTPACS";
    public string TestDescription { get; set; } = "PACS-Datensatz";
    /// <summary>Write a GDT file when a new study becomes stable.</summary>
    public bool NewStudyFiles { get; set; } = true;
    /// <summary>Write a GDT file with the measurements of echo (TID 5200) and Sonoscape SRs.</summary>
    public bool SrFiles { get; set; } = true;
    /// <summary>Which studies get a new-study file (default: those sent by DICOM from a modality).</summary>
    public OrthancPortal.Features.Orthanc.TriggerSources NewStudySources { get; set; } = new();
    /// <summary>Which studies' SRs get a measurement file.</summary>
    public OrthancPortal.Features.Orthanc.TriggerSources SrSources { get; set; } = new();
    /// <summary>Called (GET) after each new-study GDT file.</summary>
    public string? UrlOnGdtWritten { get; set; }

    public GdtFormat Format => new(Version, Charset, ReceiverId, SenderId);

    public sealed class Validator : AbstractValidator<GdtSettings>
    {
        private static readonly IStringLocalizer<GdtSettings> L = PortalText.For<GdtSettings>();

        public Validator()
        {
            // One message per id field says the whole rule (empty, too long and a wrong character alike).
            RuleFor(x => x.ReceiverId).Cascade(CascadeMode.Stop).NotEmpty().WithMessage(_ => L["Receiver ID: 1 to 8 letters, digits or '_'."])
                .Matches("^[A-Za-z0-9_]{1,8}$").WithMessage(_ => L["Receiver ID: 1 to 8 letters, digits or '_'."]);
            RuleFor(x => x.SenderId).Cascade(CascadeMode.Stop).NotEmpty().WithMessage(_ => L["Sender ID: 1 to 8 letters, digits or '_'."])
                .Matches("^[A-Za-z0-9_]{1,8}$").WithMessage(_ => L["Sender ID: 1 to 8 letters, digits or '_'."]);
            // FluentValidation's own messages (German by themselves) name the field: in German, too.
            RuleFor(x => x.TestId).NotEmpty().MaximumLength(20).WithName(_ => L["Test ID"]);
            RuleFor(x => x.TestDescription).NotEmpty().MaximumLength(60).WithName(_ => L["Test description"]);
            RuleFor(x => x.NewStudySources).Must(v => v.Problem() is null).WithMessage(x => L["New-study sources: {0}", x.NewStudySources.Problem()!]);
            RuleFor(x => x.SrSources).Must(v => v.Problem() is null).WithMessage(x => L["SR sources: {0}", x.SrSources.Problem()!]);
            RuleFor(x => x.UrlOnGdtWritten).Must(Webhooks.IsHttpUrl!).When(x => !string.IsNullOrWhiteSpace(x.UrlOnGdtWritten))
                .WithMessage(_ => L["The webhook must be an http(s) URL."]);
        }
    }
}
