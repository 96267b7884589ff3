using FluentValidation;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Settings;

namespace OrthancPortal.Features.Burner;

public enum DiscProducer { Epson, Primera }

public enum BurnLevel { Study, Patient }

public enum DiscTypeChoice { Auto, CD, DVD }

/// <summary>How discs are made: where the disc software looks for requests, what goes on the disc, and when.</summary>
public sealed class BurnerSettings : ISettingsSection
{
    public static string SectionName => "Burner";

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
    /// <summary>Which new studies are burned automatically (default: those sent by DICOM from a modality).</summary>
    public TriggerSources Sources { get; set; } = new();
    /// <summary>Studies whose StudyDate is more than this many days ago are not burned automatically; 0 burns any age.</summary>
    public int MaxStudyAgeDays { get; set; }

    public sealed class Validator : AbstractValidator<BurnerSettings>
    {
        public Validator()
        {
            RuleFor(x => x.MonitoredFolder).NotEmpty().WithMessage("Enter the folder the disc software monitors.")
                .Must(path => FolderProblem(path) is null).WithMessage(x => $"Monitored folder: {FolderProblem(x.MonitoredFolder)}");
            RuleFor(x => x.ViewerFolder).Must(Directory.Exists).When(x => x.ViewerFolder.Length > 0)
                .WithMessage(x => $"Viewer folder '{x.ViewerFolder}' does not exist.");
            RuleFor(x => x.LabelFile).Must(File.Exists).When(x => x.LabelFile.Length > 0)
                .WithMessage(x => $"Label file '{x.LabelFile}' does not exist.");
            RuleFor(x => x.TransferSyntax).Must(uid => OrthancClient.TranscodeTargets.Any(t => t.Uid == uid)).When(x => x.TransferSyntax.Length > 0)
                .WithMessage("Pick a transfer syntax Orthanc can write, or keep the stored one.");
            RuleFor(x => x.CdCapacityMb).InclusiveBetween(100, 900).WithMessage("The CD capacity must be between 100 and 900 MB.");
            RuleFor(x => x.StallMinutes).InclusiveBetween(1, 24 * 60).WithMessage("The stall time must be between 1 minute and 24 hours.");
            RuleFor(x => x.Sources).Must(v => v.Problem() is null).WithMessage(x => $"Sources: {x.Sources.Problem()}");
            RuleFor(x => x.MaxStudyAgeDays).InclusiveBetween(0, 365 * 200).WithMessage("The maximum study age must be 0 (any age) or a number of days.");
            RuleFor(x => x.LabelDateFormat).NotEmpty().Must(BeDateFormat).WithMessage("The label date format is not a valid date format (try dd.MM.yyyy).");
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
        if (string.IsNullOrWhiteSpace(path)) return "no folder given.";
        if (!Path.IsPathFullyQualified(path)) return $"'{path}' is not an absolute path.";
        if (!Directory.Exists(path)) return $"'{path}' does not exist.";
        var probe = Path.Combine(path, $".orthancportal-write-test-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"'{path}' is not writable ({ex.Message}).";
        }
    }
}

/// <summary>Whether the burner service runs; kept in the database so it survives a restart.</summary>
public sealed class BurnerServiceState : ISettingsSection
{
    public static string SectionName => "BurnerService";
    public bool Running { get; set; }
}
