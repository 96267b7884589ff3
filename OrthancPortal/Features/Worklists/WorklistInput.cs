using System.Globalization;
using FluentValidation;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Worklists;

/// <summary>A new worklist entry as the form or an AIS call gives it.</summary>
public sealed class WorklistInput
{
    public string PatientId { get; set; } = "";
    public string LastName { get; set; } = "";
    public string FirstName { get; set; } = "";
    public DateTime? BirthDate { get; set; }
    /// <summary>M, F or O.</summary>
    public string Sex { get; set; } = "O";
    public string Modality { get; set; } = "US";
    public string StationAet { get; set; } = "US01";
    public string Procedure { get; set; } = "";
    /// <summary>Last^First.</summary>
    public string Physician { get; set; } = "";
    public DateTime? ScheduledAt { get; set; }

    /// <summary>
    /// Reads the query parameters the existing AIS scripts send (id, lastname, firstname, birthdate dd.mm.yyyy,
    /// sex 0..3, modality, scheduledStation, procedure, physician). Values that cannot be read become errors.
    /// </summary>
    public static (WorklistInput Input, List<string> Errors) FromQuery(IQueryCollection q, WorklistSettings defaults, DateTime now)
    {
        var errors = new List<string>();
        string Value(string name) => q[name].ToString().Trim();
        var input = new WorklistInput
        {
            PatientId = Value("id"),
            LastName = Value("lastname"),
            FirstName = Value("firstname"),
            Modality = Value("modality") is { Length: > 0 } m ? m.ToUpperInvariant() : defaults.DefaultModality,
            StationAet = Value("scheduledStation") is { Length: > 0 } s ? s : defaults.DefaultStation,
            Procedure = Value("procedure"),
            Physician = Value("physician"),
            ScheduledAt = now,
        };
        var birth = Value("birthdate");
        if (birth.Length > 0)
        {
            if (DateTime.TryParseExact(birth, ["dd.MM.yyyy", "d.M.yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) input.BirthDate = date;
            else errors.Add($"birthdate '{birth}' is not a date in the form dd.mm.yyyy.");
        }
        var sex = Value("sex");
        // Medical Office numbers the sexes: 1 male, 2 female, 0 and 3 other.
        input.Sex = sex switch
        {
            "" or "0" or "3" => "O",
            "1" => "M",
            "2" => "F",
            _ => "?",
        };
        if (input.Sex == "?") errors.Add($"sex '{sex}' is unknown: use 0 or 3 (other), 1 (male) or 2 (female).");
        return (input, errors);
    }

    public sealed class Validator : AbstractValidator<WorklistInput>
    {
        private static readonly IStringLocalizer<WorklistInput> L = PortalText.For<WorklistInput>();

        /// <param name="today">Today in the portal's time zone: a birth date after it is refused.</param>
        public Validator(DateOnly today)
        {
            RuleFor(x => x.PatientId).NotEmpty().WithMessage(_ => L["The patient ID is required."])
                .MaximumLength(64).Must(NoDicomDelimiters).WithMessage(_ => L["The patient ID must not contain '\\' or control characters."]);
            RuleFor(x => x.LastName).NotEmpty().WithMessage(_ => L["The last name is required."])
                .MaximumLength(60).Must(NameText).WithMessage(_ => L["Names must not contain '^', '=', '\\' or control characters."]);
            RuleFor(x => x.FirstName).MaximumLength(60).Must(NameText).WithMessage(_ => L["Names must not contain '^', '=', '\\' or control characters."]);
            RuleFor(x => x.BirthDate).Must(d => d is null || (DateOnly.FromDateTime(d.Value) <= today && d.Value.Year >= 1850))
                .WithMessage(_ => L["The birth date must be a past date."]);
            RuleFor(x => x.Sex).Must(s => s is "M" or "F" or "O").WithMessage(_ => L["Sex must be M, F or O."]);
            RuleFor(x => x.Modality).NotEmpty().Matches("^[A-Z0-9]{1,16}$").WithMessage(_ => L["The modality is a DICOM code such as US, CT or MR."]);
            RuleFor(x => x.StationAet).NotEmpty().Matches("^[A-Za-z0-9_. -]{1,16}$").WithMessage(_ => L["The station AE title has 1 to 16 letters, digits, '_', '.', '-' or spaces."]);
            RuleFor(x => x.Procedure).MaximumLength(64).Must(NoDicomDelimiters).WithMessage(_ => L["The procedure has at most 64 characters and no '\\'."]);
            RuleFor(x => x.Physician).MaximumLength(64).Must(NoDicomDelimiters).WithMessage(_ => L["The physician is Last^First, at most 64 characters."]);
            RuleFor(x => x.ScheduledAt).NotNull().WithMessage(_ => L["The scheduled date and time are required."]);
        }

        private static bool NoDicomDelimiters(string? v) => v is null || !v.Any(c => c == '\\' || char.IsControl(c));
        private static bool NameText(string? v) => v is null || !v.Any(c => c is '^' or '=' or '\\' || char.IsControl(c));
    }
}
