using FluentValidation;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Settings;

namespace OrthancPortal.Features.Burner;

public enum DiscProducer { Epson, Primera }

public enum BurnLevel { Study, Patient }

public enum DiscTypeChoice { Auto, CD, DVD }

/// <summary>The kind of disc a job needs; each producer spells it its own way (<see cref="DiscRequestWriter.DiscTypeValue"/>).</summary>
public enum DiscKind { CD, DVD }

/// <summary>How request files are encoded. Both disc programs read ANSI text; Unicode builds of them may read UTF-8 with a BOM.</summary>
public enum DiscFileEncoding { Windows1252, Utf8WithBom }

/// <summary>How discs are made: where the disc software looks for requests, what goes on the disc, and when.</summary>
public sealed class BurnerSettings : ISettingsSection
{
    public static string SectionName => "Burner";

    // Messages for the settings page and for job errors, in the reader's language (BurnerSettings.de.resx).
    private static readonly IStringLocalizer<BurnerSettings> L = PortalText.For<BurnerSettings>();

    /// <summary>The folder the disc software (Epson TDBridge or Primera PTPublisher) watches for requests.</summary>
    public string MonitoredFolder { get; set; } = "";
    /// <summary>A viewer to put on every disc beside the DICOM folder; empty for none.</summary>
    public string ViewerFolder { get; set; } = "";
    /// <summary>The label template (.tdd for Epson, .std for Primera); empty prints no label.</summary>
    public string LabelFile { get; set; } = "";
    /// <summary>Transfer syntax UID for the DICOM on the disc; empty keeps the stored one.</summary>
    public string TransferSyntax { get; set; } = "";
    public DiscProducer Manufacturer { get; set; } = DiscProducer.Epson;
    public BurnLevel Level { get; set; } = BurnLevel.Study;
    public DiscTypeChoice DiscType { get; set; } = DiscTypeChoice.Auto;
    /// <summary>Auto picks a DVD when data plus viewer exceed this many MB.</summary>
    public int CdCapacityMb { get; set; } = 630;
    public bool DeleteAfterBurn { get; set; }
    /// <summary>A submitted job the disc software has not touched for this long shows as stalled.</summary>
    public int StallMinutes { get; set; } = 30;
    /// <summary>How dates are printed on the label (.NET date format).</summary>
    public string LabelDateFormat { get; set; } = "dd.MM.yyyy";
    /// <summary>The folder (usually the monitored share) as the portal sees it, e.g. /srv/burner; empty for no mapping.</summary>
    public string PortalPathPrefix { get; set; } = "";
    /// <summary>The same folder as the disc software's machine sees it, e.g. \\burnpc\jobs or D:\jobs.</summary>
    public string DiscSoftwarePathPrefix { get; set; } = "";
    public DiscFileEncoding FileEncoding { get; set; } = DiscFileEncoding.Windows1252;
    public int Copies { get; set; } = 1;
    /// <summary>The disc's volume label (letters, digits, '_'); empty lets the disc software choose.</summary>
    public string VolumeLabel { get; set; } = "";
    /// <summary>Epson: the publisher's name in Total Disc Setup, needed when TD Bridge drives several; empty for its default.</summary>
    public string EpsonPublisher { get; set; } = "";
    /// <summary>Epson: the output stacker (1-4); 0 for TD Bridge's default.</summary>
    public int EpsonOutStacker { get; set; }

    /// <summary>The label template kinds each producer prints (PTBurn SDK 2.1.12 PrintLabel; TD Bridge LABEL takes a .tdd).</summary>
    public static IReadOnlyList<string> LabelExtensions(DiscProducer producer) => producer == DiscProducer.Epson
        ? [".tdd"]
        : [".std", ".jpg", ".bmp", ".prn"];

    /// <summary>Why the label file does not suit the chosen producer, or null when it does.</summary>
    public static string? LabelProblem(DiscProducer producer, string labelFile)
    {
        var extension = Path.GetExtension(labelFile).ToLowerInvariant();
        if (LabelExtensions(producer).Contains(extension)) return null;
        return (producer, extension) switch
        {
            (DiscProducer.Primera, ".tdd") => L["The label file '{0}' is an Epson Total Disc Maker template (.tdd); Primera PTBurn prints SureThing .std templates (or .jpg, .bmp, .prn). Choose a .std label or switch the disc producer to Epson.", Path.GetFileName(labelFile)],
            (DiscProducer.Epson, ".std") => L["The label file '{0}' is a Primera SureThing template (.std); Epson TD Bridge prints Total Disc Maker .tdd templates. Choose a .tdd label or switch the disc producer to Primera.", Path.GetFileName(labelFile)],
            (DiscProducer.Epson, _) => L["The label file '{0}' is not a .tdd template, the only kind Epson TD Bridge prints.", Path.GetFileName(labelFile)],
            _ => L["The label file '{0}' is not a kind Primera PTBurn prints (.std, .jpg, .bmp, .prn).", Path.GetFileName(labelFile)],
        };
    }
    /// <summary>Which new studies are burned automatically (default: those sent by DICOM from a modality).</summary>
    public TriggerSources Sources { get; set; } = new();
    /// <summary>Studies whose StudyDate is more than this many days ago are not burned automatically; 0 burns any age.</summary>
    public int MaxStudyAgeDays { get; set; }

    public sealed class Validator : AbstractValidator<BurnerSettings>
    {
        public Validator()
        {
            RuleFor(x => x.MonitoredFolder).NotEmpty().WithMessage(_ => L["Enter the folder the disc software monitors."])
                .Must(path => FolderProblem(path) is null).WithMessage(x => L["Monitored folder: {0}", FolderProblem(x.MonitoredFolder)!]);
            RuleFor(x => x.ViewerFolder).Must(Directory.Exists).When(x => x.ViewerFolder.Length > 0)
                .WithMessage(x => L["Viewer folder '{0}' does not exist.", x.ViewerFolder]);
            RuleFor(x => x.LabelFile).Must(File.Exists).When(x => x.LabelFile.Length > 0)
                .WithMessage(x => L["Label file '{0}' does not exist.", x.LabelFile]);
            RuleFor(x => x.TransferSyntax).Must(uid => OrthancClient.TranscodeTargets.Any(t => t.Uid == uid)).When(x => x.TransferSyntax.Length > 0)
                .WithMessage(_ => L["Pick a transfer syntax Orthanc can write, or keep the stored one."]);
            RuleFor(x => x.CdCapacityMb).InclusiveBetween(100, 900).WithMessage(_ => L["The CD capacity must be between 100 and 900 MB."]);
            RuleFor(x => x.StallMinutes).InclusiveBetween(1, 24 * 60).WithMessage(_ => L["The stall time must be between 1 minute and 24 hours."]);
            RuleFor(x => x.Sources).Must(v => v.Problem() is null).WithMessage(x => L["Sources: {0}", x.Sources.Problem()!]);
            RuleFor(x => x.MaxStudyAgeDays).InclusiveBetween(0, 365 * 200).WithMessage(_ => L["The maximum study age must be 0 (any age) or a number of days."]);
            RuleFor(x => x.LabelDateFormat).NotEmpty().WithName(_ => L["Label date format"]).Must(BeDateFormat).WithMessage(_ => L["The label date format is not a valid date format (try dd.MM.yyyy)."]);
            RuleFor(x => x.LabelFile).Must((x, label) => LabelProblem(x.Manufacturer, label) is null).When(x => x.LabelFile.Length > 0)
                .WithMessage(x => LabelProblem(x.Manufacturer, x.LabelFile)!);
            RuleFor(x => x.Copies).InclusiveBetween(1, 1000).When(x => x.Manufacturer == DiscProducer.Epson).WithMessage(_ => L["Epson TD Bridge makes 1 to 1,000 copies of a disc."]);
            RuleFor(x => x.Copies).InclusiveBetween(1, 10_000).When(x => x.Manufacturer == DiscProducer.Primera).WithMessage(_ => L["Primera PTBurn makes 1 to 10,000 copies of a disc."]);
            RuleFor(x => x.VolumeLabel).Matches("^[A-Za-z0-9_]{0,32}$").WithMessage(_ => L["The volume label has at most 32 letters, digits or '_'."]);
            RuleFor(x => x.EpsonPublisher).MaximumLength(64).WithName(_ => L["Epson publisher name"]).Must(p => !p.Any(char.IsControl)).WithMessage(_ => L["The Epson publisher name has at most 64 characters on one line."]);
            RuleFor(x => x.EpsonOutStacker).InclusiveBetween(0, 4).WithMessage(_ => L["The Epson output stacker is 1 to 4, or 0 for TD Bridge's default."]);
            RuleFor(x => x.PortalPathPrefix).Must(Path.IsPathFullyQualified).When(x => x.PortalPathPrefix.Trim().Length > 0)
                .WithMessage(x => L["Path mapping: '{0}' is not an absolute path on the portal's machine.", x.PortalPathPrefix]);
            RuleFor(x => x.PortalPathPrefix).NotEmpty().When(x => x.DiscSoftwarePathPrefix.Trim().Length > 0)
                .WithMessage(_ => L["Path mapping: enter the portal folder that the disc software's path stands for."]);
            RuleFor(x => x.DiscSoftwarePathPrefix).NotEmpty().When(x => x.PortalPathPrefix.Trim().Length > 0)
                .WithMessage(_ => L["Path mapping: enter how the disc software's machine sees the portal folder (e.g. \\\\burnpc\\jobs or D:\\jobs)."]);
            RuleFor(x => x.DiscSoftwarePathPrefix).Must(p => DiscPathMapper.IsWindowsPath(p.Trim()) || p.Trim().StartsWith('/')).When(x => x.DiscSoftwarePathPrefix.Trim().Length > 0)
                .WithMessage(x => L["Path mapping: '{0}' is neither a UNC path (\\\\server\\share) nor a drive path (D:\\folder).", x.DiscSoftwarePathPrefix]);
            RuleFor(x => x.DiscSoftwarePathPrefix).Must(p => !p.Any(char.IsControl)).WithMessage(_ => L["Path mapping: the disc software's path must be on one line."]);
            RuleFor(x => x).Custom((x, context) =>
            {
                var mapper = DiscPathMapper.From(x);
                if (mapper.IsIdentity || !Path.IsPathFullyQualified(x.PortalPathPrefix.Trim())) return;
                foreach (var (name, path) in new[] { (L["Monitored folder"], x.MonitoredFolder), (L["Viewer folder"], x.ViewerFolder), (L["Label file"], x.LabelFile) })
                {
                    if (path.Length > 0 && mapper.Problem(path) is { } problem) context.AddFailure(L["{0}: {1} The disc software could not read it.", name, problem]);
                }
            });
        }

        private static bool BeDateFormat(string format)
        {
            try { return new DateOnly(2024, 12, 31).ToString(format, System.Globalization.CultureInfo.InvariantCulture).Length > 0; }
            catch (FormatException) { return false; }
        }
    }

    /// <summary>Why a folder cannot be used for requests, or null when it can: it must exist and take a new file.</summary>
    public static string? FolderProblem(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return L["no folder given."];
        if (!Path.IsPathFullyQualified(path)) return L["'{0}' is not an absolute path.", path];
        if (!Directory.Exists(path)) return L["'{0}' does not exist.", path];
        var probe = Path.Combine(path, $".orthancportal-write-test-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return L["'{0}' is not writable ({1}).", path, ex.Message];
        }
    }
}

/// <summary>Whether the burner service runs; kept in the database so it survives a restart.</summary>
public sealed class BurnerServiceState : ISettingsSection
{
    public static string SectionName => "BurnerService";
    public bool Running { get; set; }
}
