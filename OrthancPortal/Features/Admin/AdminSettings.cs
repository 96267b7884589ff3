using FluentValidation;
using OrthancPortal.Features.Settings;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Admin;

/// <summary>Administration thresholds, edited on the system page.</summary>
public sealed class AdminSettings : ISettingsSection
{
    public static string SectionName => "Admin";

    /// <summary>Warn when the data folder's disk has less free space than this (GB).</summary>
    public double DiskFreeWarningGb { get; set; } = 10;

    public sealed class Validator : AbstractValidator<AdminSettings>
    {
        private static readonly IStringLocalizer<AdminSettings> L = PortalText.For<AdminSettings>();

        public Validator() => RuleFor(x => x.DiskFreeWarningGb).InclusiveBetween(0, 100_000).WithMessage(_ => L["Enter a free-space threshold between 0 and 100000 GB."]);
    }
}

/// <summary>The recycling limits as the system page edits them; saved into <c>OrthancSettings</c>.</summary>
public sealed class RecyclingLimits
{
    public int MaximumStorageSizeMb { get; set; }
    public int MaximumPatientCount { get; set; }
    public double DiskFreeWarningGb { get; set; }

    public sealed class Validator : AbstractValidator<RecyclingLimits>
    {
        private static readonly IStringLocalizer<AdminSettings> L = PortalText.For<AdminSettings>();

        public Validator()
        {
            RuleFor(x => x.MaximumStorageSizeMb).InclusiveBetween(0, int.MaxValue).WithMessage(_ => L["The storage limit is 0 (unlimited) or a size in MB."]);
            RuleFor(x => x.MaximumPatientCount).InclusiveBetween(0, int.MaxValue).WithMessage(_ => L["The patient limit is 0 (unlimited) or a number of patients."]);
            RuleFor(x => x.DiskFreeWarningGb).InclusiveBetween(0, 100_000).WithMessage(_ => L["Enter a free-space threshold between 0 and 100000 GB."]);
        }
    }
}
