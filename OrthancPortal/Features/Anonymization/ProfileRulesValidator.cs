using System.Text.RegularExpressions;
using FluentValidation;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Anonymization;

public sealed partial class ProfileRulesValidator : AbstractValidator<ProfileRules>
{
    private static readonly IStringLocalizer<ProfileRulesValidator> L = PortalText.For<ProfileRulesValidator>();

    public ProfileRulesValidator()
    {
        RuleForEach(x => x.Keep).Must(BeTag).WithMessage(_ => L["'{PropertyValue}' is not a tag: use gggg,eeee or a DICOM keyword."]);
        RuleForEach(x => x.Remove).Must(BeTag).WithMessage(_ => L["'{PropertyValue}' is not a tag: use gggg,eeee or a DICOM keyword."]);
        RuleForEach(x => x.Replace.Keys).Must(BeTag).WithMessage(_ => L["'{PropertyValue}' is not a tag: use gggg,eeee or a DICOM keyword."]);
        RuleForEach(x => x.Replace.Values).Must(v => !v.Contains('\\') && v.Length <= 64).WithMessage(_ => L["A replacement value has at most 64 characters and no '\\'."]);
        RuleFor(x => x.DateShiftDays).InclusiveBetween(-36500, 36500);
        RuleFor(x => x.DateShiftDays).NotEqual(0).When(x => x.DateShift != DateShiftMode.None).WithMessage(_ => L["Give the number of days to shift."]);
        RuleFor(x => x.PseudonymProject).NotEmpty().When(x => x.DateShift == DateShiftMode.PerPatient)
            .WithMessage(_ => L["A per-patient date shift keeps each patient's shift in a pseudonym table: choose a project."]);
        RuleFor(x => x).Must(x => !x.Keep.Intersect(x.Remove).Any()).WithMessage(_ => L["A tag cannot be both kept and removed."]);
    }

    public static bool BeTag(string value) => TagPattern().IsMatch(value);

    [GeneratedRegex(@"^([0-9A-Fa-f]{4},[0-9A-Fa-f]{4}|[A-Za-z][A-Za-z0-9]{1,63})$")]
    private static partial Regex TagPattern();
}
