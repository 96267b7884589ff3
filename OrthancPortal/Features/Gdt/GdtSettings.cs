using FluentValidation;
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
        public Validator()
        {
            RuleFor(x => x.ReceiverId).NotEmpty().MaximumLength(8).Matches("^[A-Za-z0-9_]+$").WithMessage("Receiver id: 1 to 8 letters, digits or '_'.");
            RuleFor(x => x.SenderId).NotEmpty().MaximumLength(8).Matches("^[A-Za-z0-9_]+$").WithMessage("Sender id: 1 to 8 letters, digits or '_'.");
            RuleFor(x => x.TestId).NotEmpty().MaximumLength(20);
            RuleFor(x => x.TestDescription).NotEmpty().MaximumLength(60);
            RuleFor(x => x.NewStudySources).Must(v => v.Problem() is null).WithMessage(x => $"New-study sources: {x.NewStudySources.Problem()}");
            RuleFor(x => x.SrSources).Must(v => v.Problem() is null).WithMessage(x => $"SR sources: {x.SrSources.Problem()}");
            RuleFor(x => x.UrlOnGdtWritten).Must(Webhooks.IsHttpUrl!).When(x => !string.IsNullOrWhiteSpace(x.UrlOnGdtWritten))
                .WithMessage("The webhook must be an http(s) URL.");
        }
    }
}
