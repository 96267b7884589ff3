using FluentValidation;
using OrthancPortal.Features.Settings;

namespace OrthancPortal.Features.Shares;

/// <summary>Limits for share links, set by an admin: the longest validity a sharer may choose, and the one offered first.</summary>
public sealed class ShareSettings : ISettingsSection
{
    public static string SectionName => "Shares";

    public int MaxDays { get; set; } = 30;
    public int DefaultDays { get; set; } = 7;
}

public sealed class ShareSettingsValidator : AbstractValidator<ShareSettings>
{
    public ShareSettingsValidator()
    {
        RuleFor(s => s.MaxDays).InclusiveBetween(1, 365).WithMessage("The longest validity is 1 to 365 days.");
        RuleFor(s => s.DefaultDays).InclusiveBetween(1, 365)
            .Must((s, d) => d <= s.MaxDays).WithMessage("The validity offered first must be between 1 day and the longest validity.");
    }
}
