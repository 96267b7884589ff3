using System.Globalization;
using System.Text.RegularExpressions;

namespace OrthancPortal.Features.Automation;

/// <summary>
/// The tags a rule is tested against. For CheckOn Study, <see cref="Series"/> holds every series of the study;
/// for CheckOn Series, only the one series. Keys are DICOM keywords ("StudyDescription"), compared ignoring case.
/// </summary>
public sealed record ResourceTags(
    IReadOnlyDictionary<string, string> Patient,
    IReadOnlyDictionary<string, string> Study,
    IReadOnlyList<IReadOnlyDictionary<string, string>> Series);

public sealed record ConditionResult(RuleCondition Condition, bool Passed, string Actual, string? Problem = null);

public sealed record MatchResult(bool Matches, IReadOnlyList<ConditionResult> Conditions);

/// <summary>
/// autorthanc's matching, extended with operators: every condition must hold (an empty list matches everything);
/// a missing tag reads as "NONE"; contains is a case-insensitive substring test; a Series-level condition on a
/// study holds when any of its series matches.
/// </summary>
public static class RuleMatcher
{
    public const string Missing = "NONE";

    /// <summary>A regex that runs away on a hostile value fails its condition rather than stalling the change feed.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(250);

    public static MatchResult Evaluate(AutomationRule rule, ResourceTags tags)
    {
        var results = rule.Conditions.Select(c => Evaluate(c, tags)).ToList();
        return new MatchResult(results.All(r => r.Passed), results);
    }

    public static ConditionResult Evaluate(RuleCondition condition, ResourceTags tags)
    {
        IEnumerable<IReadOnlyDictionary<string, string>> candidates = condition.Level switch
        {
            TagLevel.Patient => [tags.Patient],
            TagLevel.Study => [tags.Study],
            _ => tags.Series.Count == 0 ? [new Dictionary<string, string>()] : tags.Series,
        };
        ConditionResult? last = null;
        foreach (var candidate in candidates)
        {
            var actual = Read(candidate, condition.TagName);
            var (passed, problem) = Test(condition.Operator, condition.Value, actual);
            last = new ConditionResult(condition, passed, actual, problem);
            if (passed) return last;
        }
        return last!;
    }

    public static string Read(IReadOnlyDictionary<string, string> tags, string name)
    {
        if (tags.TryGetValue(name, out var exact)) return Normalize(exact);
        foreach (var (key, value) in tags)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return Normalize(value);
        }
        return Missing;
    }

    private static string Normalize(string? value) => string.IsNullOrEmpty(value) ? Missing : value.Trim();

    public static (bool Passed, string? Problem) Test(ConditionOperator op, string expected, string actual)
    {
        switch (op)
        {
            case ConditionOperator.Contains:
                return (actual.Contains(expected ?? "", StringComparison.OrdinalIgnoreCase), null);
            case ConditionOperator.Equals:
                return (string.Equals(actual, (expected ?? "").Trim(), StringComparison.OrdinalIgnoreCase), null);
            case ConditionOperator.Regex:
                try
                {
                    return (Regex.IsMatch(actual, expected ?? "", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeout), null);
                }
                catch (RegexMatchTimeoutException) { return (false, "the pattern took too long on this value"); }
                catch (ArgumentException ex) { return (false, $"invalid pattern: {ex.Message}"); }
            case ConditionOperator.DateRange:
                if (!TryParseRange(expected, out var from, out var to)) return (false, "the range must look like 20240101-20241231 (either end may be left open)");
                if (!TryParseDate(actual, out var date)) return (false, $"'{actual}' is not a DICOM date");
                return ((from is null || date >= from) && (to is null || date <= to), null);
            default:
                return (false, $"unknown operator {op}");
        }
    }

    /// <summary>A DICOM date range: "A-B", "A-", "-B" or a single date "A".</summary>
    public static bool TryParseRange(string? value, out DateOnly? from, out DateOnly? to)
    {
        from = to = null;
        var text = (value ?? "").Trim();
        if (text.Length == 0) return false;
        var dash = text.IndexOf('-');
        var left = dash < 0 ? text : text[..dash];
        var right = dash < 0 ? text : text[(dash + 1)..];
        if (left.Length > 0)
        {
            if (!TryParseDate(left, out var f)) return false;
            from = f;
        }
        if (right.Length > 0)
        {
            if (!TryParseDate(right, out var t)) return false;
            to = t;
        }
        return from is not null || to is not null;
    }

    private static bool TryParseDate(string value, out DateOnly date)
        => DateOnly.TryParseExact(value.Trim(), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
