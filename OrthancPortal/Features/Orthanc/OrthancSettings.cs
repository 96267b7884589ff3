using FluentValidation;
using OrthancPortal.Features.Settings;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Orthanc;

public enum OrthancMode { Managed, External }

/// <summary>How the portal reaches Orthanc. Managed: the portal runs Orthanc itself. External: a URL and credentials.</summary>
public sealed class OrthancSettings : ISettingsSection
{
    public static string SectionName => "Orthanc";

    public OrthancMode Mode { get; set; } = OrthancMode.Managed;

    public string ExternalUrl { get; set; } = "http://localhost:8042";
    public string? ExternalUsername { get; set; }
    [Secret] public string? ExternalPassword { get; set; }

    public int ManagedHttpPort { get; set; } = 8042;
    public int DicomPort { get; set; } = 4242;
    public string DicomAet { get; set; } = "ORTHANC";
    /// <summary>Seconds without new instances before Orthanc calls a study stable.</summary>
    public int StableAge { get; set; } = 60;
    /// <summary>Recycling limits in MB and patients; 0 means unlimited.</summary>
    public int MaximumStorageSizeMb { get; set; }
    public int MaximumPatientCount { get; set; }
    /// <summary>
    /// The managed Orthanc answers worklist queries (C-FIND) from any AE title, so a new modality needs no entry
    /// under DICOM nodes before it can fetch its worklist. An external Orthanc needs DicomAlwaysAllowFindWorklist itself.
    /// </summary>
    public bool WorklistFromAnyAet { get; set; } = true;

    public sealed class Validator : AbstractValidator<OrthancSettings>
    {
        private static readonly IStringLocalizer<OrthancSettings> L = PortalText.For<OrthancSettings>();

        public Validator()
        {
            RuleFor(x => x.ExternalUrl).Must(BeHttpUrl).When(x => x.Mode == OrthancMode.External)
                .WithMessage(_ => L["Enter the Orthanc URL, for example http://pacs.local:8042"]);
            RuleFor(x => x.ManagedHttpPort).InclusiveBetween(1, 65535);
            RuleFor(x => x.DicomPort).InclusiveBetween(1, 65535);
            RuleFor(x => x.DicomAet).NotEmpty().MaximumLength(16).Matches("^[A-Za-z0-9_.-]+$")
                .WithMessage(_ => L["An AE title has at most 16 letters, digits, '_', '.' or '-'"]);
            RuleFor(x => x.StableAge).InclusiveBetween(1, 3600);
            RuleFor(x => x.MaximumStorageSizeMb).GreaterThanOrEqualTo(0);
            RuleFor(x => x.MaximumPatientCount).GreaterThanOrEqualTo(0);
        }

        private static bool BeHttpUrl(string url)
            => Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
    }
}
