using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Automation;

/// <summary>The editable form of a portal rule (the page binds to it; the API accepts it as JSON).</summary>
public sealed class RuleInput
{
    public string Name { get; set; } = "";
    public string Comment { get; set; } = "";
    public CheckOn CheckOn { get; set; } = CheckOn.Study;
    public bool IsActive { get; set; } = true;
    public List<ConditionInput> Conditions { get; set; } = [];
    public List<ActionInput> Actions { get; set; } = [new() { Kind = ActionKind.Download }];
    /// <summary>The rule's own sources; null takes the automation settings' sources.</summary>
    public Orthanc.TriggerSources? Sources { get; set; }

    public sealed class ConditionInput
    {
        public string TagName { get; set; } = "";
        public TagLevel Level { get; set; } = TagLevel.Study;
        public ConditionOperator Operator { get; set; } = ConditionOperator.Contains;
        public string Value { get; set; } = "";
    }

    public sealed class ActionInput
    {
        public ActionKind Kind { get; set; }
        public string? OutputFolder { get; set; }
        public string? ProfileId { get; set; }
        public bool DeleteAnonymizedCopy { get; set; }
        public ForwardTarget Target { get; set; }
        public string? Destination { get; set; }
        public string? PseudonymProject { get; set; }
        public string? DoneLabel { get; set; }
    }

    public IReadOnlyList<RuleCondition> ToConditions()
        => Conditions.Select(c => new RuleCondition(c.TagName.Trim(), c.Level, c.Operator, c.Value.Trim())).ToList();

    public IReadOnlyList<RuleAction> ToActions() => Actions.Select(a => new RuleAction(a.Kind)
    {
        OutputFolder = string.IsNullOrWhiteSpace(a.OutputFolder) ? null : a.OutputFolder.Trim(),
        ProfileId = a.Kind is ActionKind.Anonymize or ActionKind.AnonymizeKeepOnlyCopy ? a.ProfileId : null,
        DeleteAnonymizedCopy = a.Kind == ActionKind.Anonymize && a.DeleteAnonymizedCopy,
        Target = a.Target,
        Destination = a.Kind == ActionKind.Forward ? a.Destination?.Trim() : null,
        PseudonymProject = a.Kind == ActionKind.AnonymizeKeepOnlyCopy ? a.PseudonymProject?.Trim() : null,
        DoneLabel = a.Kind == ActionKind.AnonymizeKeepOnlyCopy && !string.IsNullOrWhiteSpace(a.DoneLabel) ? a.DoneLabel.Trim() : null,
    }).ToList();

    public static RuleInput From(AutomationRule rule) => new()
    {
        Name = rule.Name,
        Comment = rule.Comment,
        CheckOn = rule.CheckOn,
        IsActive = rule.IsActive,
        Sources = rule.Sources,
        Conditions = rule.Conditions.Select(c => new ConditionInput { TagName = c.TagName, Level = c.Level, Operator = c.Operator, Value = c.Value }).ToList(),
        Actions = rule.Actions.Select(a => new ActionInput
        {
            Kind = a.Kind, OutputFolder = a.OutputFolder, ProfileId = a.ProfileId, DeleteAnonymizedCopy = a.DeleteAnonymizedCopy,
            Target = a.Target, Destination = a.Destination, PseudonymProject = a.PseudonymProject, DoneLabel = a.DoneLabel,
        }).ToList(),
    };

    public sealed class Validator : AbstractValidator<RuleInput>
    {
        private static readonly IStringLocalizer<RuleInput> L = PortalText.For<RuleInput>();

        public Validator()
        {
            RuleFor(x => x.Name).NotEmpty().MaximumLength(100).Matches("^[A-Za-z0-9][A-Za-z0-9 _.-]*$")
                .WithMessage(_ => L["A rule name uses letters, digits, spaces, '_', '.' or '-' (it names the rule's output folder)."]);
            RuleFor(x => x.Comment).MaximumLength(1000);
            RuleFor(x => x.Actions).NotEmpty().WithMessage(_ => L["A rule needs at least one action."]);
            RuleFor(x => x.Actions).Must(a => a.Count(x => x.Kind is ActionKind.Anonymize or ActionKind.AnonymizeKeepOnlyCopy) <= 1).WithMessage(_ => L["A rule anonymizes at most once."]);
            RuleFor(x => x.CheckOn).Equal(CheckOn.Study).When(x => x.Actions.Any(a => a.Kind == ActionKind.AnonymizeKeepOnlyCopy))
                .WithMessage(_ => L["An anonymizing intake replaces whole studies: check on Study."]);
            RuleFor(x => x.Sources!).Must(v => v.Problem() is null).When(x => x.Sources is not null).WithMessage(x => L["Sources: {0}", x.Sources!.Problem()!]);
            RuleForEach(x => x.Conditions).ChildRules(c =>
            {
                c.RuleFor(x => x.TagName).NotEmpty().Matches("^[A-Za-z][A-Za-z0-9]*$").WithMessage(_ => L["A tag is named by its DICOM keyword, e.g. StudyDescription."]);
                c.RuleFor(x => x.Value).Must(BeValidRegex).When(x => x.Operator == ConditionOperator.Regex).WithMessage(_ => L["The regular expression is not valid."]);
                c.RuleFor(x => x.Value).Must(v => RuleMatcher.TryParseRange(v, out _, out _)).When(x => x.Operator == ConditionOperator.DateRange)
                    .WithMessage(_ => L["A date range looks like 20240101-20241231 (either end may be left open)."]);
            });
            RuleForEach(x => x.Actions).ChildRules(a =>
            {
                a.RuleFor(x => x.OutputFolder).Must(p => string.IsNullOrWhiteSpace(p) || Path.IsPathRooted(p.Trim()))
                    .WithMessage(_ => L["An output folder must be an absolute path (or empty for the configured output folder)."]);
                a.RuleFor(x => x.ProfileId).NotEmpty().When(x => x.Kind is ActionKind.Anonymize or ActionKind.AnonymizeKeepOnlyCopy).WithMessage(_ => L["Choose an anonymization profile."]);
                a.RuleFor(x => x.PseudonymProject).NotEmpty().When(x => x.Kind == ActionKind.AnonymizeKeepOnlyCopy)
                    .WithMessage(_ => L["Choose the pseudonym project whose key table gives the new patient ids."]);
                a.RuleFor(x => x.DoneLabel).Must(l => string.IsNullOrWhiteSpace(l) || Orthanc.OrthancClient.IsLabel(l.Trim())).When(x => x.Kind == ActionKind.AnonymizeKeepOnlyCopy)
                    .WithMessage(_ => L["The label for finished copies uses 1 to 64 letters, digits, '_' or '-'."]);
                a.RuleFor(x => x.Destination).NotEmpty().Matches("^[A-Za-z0-9_.-]{1,64}$").When(x => x.Kind == ActionKind.Forward)
                    .WithMessage(_ => L["Choose the modality or peer to forward to."]);
            });
        }

        private static bool BeValidRegex(string pattern)
        {
            try { _ = new Regex(pattern, RegexOptions.None, RuleMatcher.RegexTimeout); return true; }
            catch (ArgumentException) { return false; }
        }
    }
}

internal static class RuleJson
{
    public static readonly JsonSerializerOptions Options = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
}
