using OrthancPortal.Features.Automation;

namespace OrthancPortal.Tests.Features.Automation;

public sealed class RuleMatcherTests
{
    private static Dictionary<string, string> Tags(params (string Key, string Value)[] tags) => tags.ToDictionary(t => t.Key, t => t.Value);

    private static ResourceTags Study(Dictionary<string, string>? patient = null, Dictionary<string, string>? study = null, params Dictionary<string, string>[] series)
        => new(patient ?? [], study ?? [], series);

    private static AutomationRule Rule(CheckOn checkOn, params RuleCondition[] conditions)
        => new("portal:1", "r", RuleSource.Portal, "r", "", checkOn, true, conditions, [new RuleAction(ActionKind.Download)]);

    private static RuleCondition Contains(string tag, TagLevel level, string value) => new(tag, level, ConditionOperator.Contains, value);

    [Fact]
    public void Contains_ignores_case()
    {
        var tags = Study(study: Tags(("StudyDescription", "CT Thorax mit KM")));
        RuleMatcher.Evaluate(Rule(CheckOn.Study, Contains("StudyDescription", TagLevel.Study, "thorax")), tags).Matches.ShouldBeTrue();
        RuleMatcher.Evaluate(Rule(CheckOn.Study, Contains("studydescription", TagLevel.Study, "THORAX MIT")), tags).Matches.ShouldBeTrue();
        RuleMatcher.Evaluate(Rule(CheckOn.Study, Contains("StudyDescription", TagLevel.Study, "Knie")), tags).Matches.ShouldBeFalse();
    }

    [Fact]
    public void A_missing_tag_reads_as_NONE()
    {
        var tags = Study(study: Tags(("StudyDescription", "CT")));
        var result = RuleMatcher.Evaluate(Rule(CheckOn.Study, Contains("InstitutionName", TagLevel.Study, "none")), tags);
        result.Matches.ShouldBeTrue();
        result.Conditions.Single().Actual.ShouldBe("NONE");
        RuleMatcher.Evaluate(Rule(CheckOn.Study, Contains("InstitutionName", TagLevel.Study, "Klinik")), tags).Matches.ShouldBeFalse();
        // An empty value is missing too.
        RuleMatcher.Evaluate(Rule(CheckOn.Study, Contains("AccessionNumber", TagLevel.Study, "NONE")), Study(study: Tags(("AccessionNumber", "")))).Matches.ShouldBeTrue();
    }

    [Fact]
    public void Every_condition_must_hold_and_no_condition_matches_everything()
    {
        var tags = Study(Tags(("PatientName", "Muster^Anna")), Tags(("StudyDescription", "CT Thorax")));
        var both = Rule(CheckOn.Study, Contains("PatientName", TagLevel.Patient, "muster"), Contains("StudyDescription", TagLevel.Study, "thorax"));
        var oneFails = Rule(CheckOn.Study, Contains("PatientName", TagLevel.Patient, "muster"), Contains("StudyDescription", TagLevel.Study, "knie"));
        RuleMatcher.Evaluate(both, tags).Matches.ShouldBeTrue();
        var failed = RuleMatcher.Evaluate(oneFails, tags);
        failed.Matches.ShouldBeFalse();
        failed.Conditions.Select(c => c.Passed).ShouldBe([true, false]);
        RuleMatcher.Evaluate(Rule(CheckOn.Study), tags).Matches.ShouldBeTrue();
    }

    [Fact]
    public void A_series_condition_on_a_study_holds_when_any_series_matches()
    {
        var tags = Study(null, Tags(("StudyDescription", "MR Knie")), Tags(("Modality", "SR")), Tags(("Modality", "MR")), Tags(("Modality", "PR")));
        RuleMatcher.Evaluate(Rule(CheckOn.Study, Contains("Modality", TagLevel.Series, "mr")), tags).Matches.ShouldBeTrue();
        RuleMatcher.Evaluate(Rule(CheckOn.Study, Contains("Modality", TagLevel.Series, "CT")), tags).Matches.ShouldBeFalse();
        // For CheckOn Series, only the one series is there to match.
        var oneSeries = Study(null, Tags(("StudyDescription", "MR Knie")), Tags(("Modality", "SR")));
        RuleMatcher.Evaluate(Rule(CheckOn.Series, Contains("Modality", TagLevel.Series, "MR")), oneSeries).Matches.ShouldBeFalse();
    }

    [Fact]
    public void Equals_regex_and_date_range_operators()
    {
        var tags = Study(study: Tags(("StudyDescription", "CT Head"), ("StudyDate", "20240615")));
        RuleMatcher.Test(ConditionOperator.Equals, "ct head", "CT Head").Passed.ShouldBeTrue();
        RuleMatcher.Test(ConditionOperator.Equals, "CT", "CT Head").Passed.ShouldBeFalse();
        RuleMatcher.Test(ConditionOperator.Regex, "^ct\\s+h", "CT Head").Passed.ShouldBeTrue();
        RuleMatcher.Test(ConditionOperator.Regex, "(", "CT Head").Problem.ShouldNotBeNull();
        RuleMatcher.Evaluate(Rule(CheckOn.Study, new RuleCondition("StudyDate", TagLevel.Study, ConditionOperator.DateRange, "20240101-20241231")), tags).Matches.ShouldBeTrue();
        RuleMatcher.Test(ConditionOperator.DateRange, "20240701-", "20240615").Passed.ShouldBeFalse();
        RuleMatcher.Test(ConditionOperator.DateRange, "-20240615", "20240615").Passed.ShouldBeTrue();
        RuleMatcher.Test(ConditionOperator.DateRange, "2024", "20240615").Problem.ShouldNotBeNull();
    }

    [Fact]
    public void A_catastrophic_regex_times_out_and_fails_its_condition()
    {
        var (passed, problem) = RuleMatcher.Test(ConditionOperator.Regex, "^(a+)+$", new string('a', 40) + "!");
        passed.ShouldBeFalse();
        problem.ShouldBe("the pattern took too long on this value");
    }
}
