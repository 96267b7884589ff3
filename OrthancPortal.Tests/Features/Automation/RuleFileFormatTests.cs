using OrthancPortal.Features.Automation;

namespace OrthancPortal.Tests.Features.Automation;

public sealed class RuleFileFormatTests
{
    [Theory]
    [InlineData("ct-head.json", true)]
    [InlineData("CT Head.JSON", true)]
    [InlineData("master.json", false)]
    [InlineData("master_ct.json", false)]
    [InlineData("Master-rules.json", false)]
    [InlineData("automation_template.json", false)]
    [InlineData("my-TEMPLATE-copy.json", false)]
    [InlineData("notes.txt", false)]
    [InlineData(".hidden.json", false)]
    [InlineData("ct.json.bak", false)]
    public void Which_files_are_rules(string name, bool isRule) => RuleFileNames.IsRuleFile(Path.Combine("/rules", name)).ShouldBe(isRule);

    [Fact]
    public void The_rule_id_is_the_file_name_without_extension() => RuleFileNames.RuleId("/rules/ct-head.json").ShouldBe("ct-head");

    [Fact]
    public void Reads_autorthancs_schema()
    {
        var rule = RuleFileFormat.Parse("""
            { "CheckOn": "Series", "IsActive": true, "Comment": "head CTs",
              "Tags": [ { "TagName": "Modality", "Level": "Series", "Value": "CT" }, { "TagName": "StudyDescription", "Value": "head" } ],
              "Action": "FORWARD", "DestinationModality": "remote" }
            """, "ct-head");
        rule.Key.ShouldBe("file:ct-head");
        rule.Id.ShouldBe("ct-head");
        rule.CheckOn.ShouldBe(CheckOn.Series);
        rule.IsActive.ShouldBeTrue();
        rule.Comment.ShouldBe("head CTs");
        rule.Conditions.ShouldBe([
            new RuleCondition("Modality", TagLevel.Series, ConditionOperator.Contains, "CT"),
            new RuleCondition("StudyDescription", TagLevel.Study, ConditionOperator.Contains, "head"),
        ]);
        rule.Actions.Single().ShouldBe(new RuleAction(ActionKind.Forward) { Target = ForwardTarget.Modality, Destination = "remote" });
    }

    [Fact]
    public void IsActive_defaults_to_false_and_Action_to_download()
    {
        var rule = RuleFileFormat.Parse("""{ "CheckOn": "Study", "Tags": [] }""", "x");
        rule.IsActive.ShouldBeFalse();
        rule.Actions.Single().Kind.ShouldBe(ActionKind.Download);
    }

    [Theory]
    [InlineData("{ not json", "Not valid JSON")]
    [InlineData("""{ "CheckOn": "Patient" }""", "CheckOn must be one of Study, Series")]
    [InlineData("""{ "Action": "FORWARD" }""", "DestinationModality")]
    [InlineData("""{ "Action": "DELETE" }""", "Action must be DOWNLOAD or FORWARD")]
    [InlineData("""{ "Tags": [ { "Value": "x" } ] }""", "has no TagName")]
    [InlineData("""{ "IsActive": "yes" }""", "IsActive must be true or false")]
    public void A_bad_file_says_why(string json, string reason)
        => Should.Throw<FormatException>(() => RuleFileFormat.Parse(json, "bad")).Message.ShouldContain(reason);

    [Fact]
    public void Export_writes_plain_autorthanc_keys_when_it_can_and_reads_back_the_same_rule()
    {
        var simple = new AutomationRule("portal:1", "CT", RuleSource.Portal, "CT", "c", CheckOn.Study, true,
            [new RuleCondition("Modality", TagLevel.Series, ConditionOperator.Contains, "CT")], [new RuleAction(ActionKind.Download)]);
        var json = RuleFileFormat.Export(simple);
        json.ShouldContain("\"Action\": \"DOWNLOAD\"");
        json.ShouldNotContain("Actions");
        json.ShouldNotContain("Operator");
        Same(RuleFileFormat.Parse(json, "CT"), simple);

        var rich = simple with
        {
            Conditions = [new RuleCondition("StudyDate", TagLevel.Study, ConditionOperator.DateRange, "20240101-")],
            Actions = [new RuleAction(ActionKind.Anonymize) { ProfileId = "basic", DeleteAnonymizedCopy = true }, new RuleAction(ActionKind.Zip) { OutputFolder = "/srv/out" },
                new RuleAction(ActionKind.Forward) { Target = ForwardTarget.Peer, Destination = "cloud" }],
        };
        Same(RuleFileFormat.Parse(RuleFileFormat.Export(rich), "CT"), rich);
    }

    private static void Same(AutomationRule read, AutomationRule original)
    {
        read.CheckOn.ShouldBe(original.CheckOn);
        read.IsActive.ShouldBe(original.IsActive);
        read.Comment.ShouldBe(original.Comment);
        read.Conditions.ShouldBe(original.Conditions);
        read.Actions.ShouldBe(original.Actions);
    }

    [Fact]
    public void An_intake_rule_with_its_own_sources_round_trips_through_the_file_format()
    {
        var rule = RuleFileFormat.Parse("""
            { "CheckOn": "Study", "IsActive": true,
              "Sources": { "ReceivedByDicom": true, "CallingAets": "CT01" },
              "Actions": [ { "Kind": "AnonymizeKeepOnlyCopy", "ProfileId": "default", "PseudonymProject": "study-a", "DoneLabel": "intake-done" } ] }
            """, "research-intake");
        var action = rule.Actions.ShouldHaveSingleItem();
        action.Kind.ShouldBe(ActionKind.AnonymizeKeepOnlyCopy);
        (action.ProfileId, action.PseudonymProject, action.DoneLabel).ShouldBe(("default", "study-a", "intake-done"));
        rule.Sources.ShouldNotBeNull().CallingAetList.ShouldBe(["CT01"]);
        rule.Sources!.Uploaded.ShouldBeFalse();

        var again = RuleFileFormat.Parse(RuleFileFormat.Export(rule), "research-intake");
        again.Actions.ShouldBe(rule.Actions);
        again.Sources!.CallingAets.ShouldBe("CT01");
        RuleFileFormat.Export(rule).ShouldNotContain("CallingAetList");
    }

    [Fact]
    public void Bad_sources_in_a_file_are_a_parse_error_and_a_rule_without_them_takes_the_settings()
    {
        Should.Throw<FormatException>(() => RuleFileFormat.Parse("""{ "Sources": { "CallingAets": "MUCH-TOO-LONG-AE-TITLE" } }""", "x"))
            .Message.ShouldContain("is not an AE title");
        Should.Throw<FormatException>(() => RuleFileFormat.Parse("""{ "Sources": "CT01" }""", "x")).Message.ShouldStartWith("Sources must be an object");
        RuleFileFormat.Parse("""{ "Action": "DOWNLOAD" }""", "x").Sources.ShouldBeNull();
    }

    [Theory]
    [InlineData(CheckOn.Series, "default", "p", "intake-done", "An anonymizing intake replaces whole studies: check on Study.")]
    [InlineData(CheckOn.Study, "", "p", "", "Choose an anonymization profile.")]
    [InlineData(CheckOn.Study, "default", "", "", "Choose the pseudonym project whose key table gives the new patient ids.")]
    [InlineData(CheckOn.Study, "default", "p", "not a label", "The label for finished copies uses 1 to 64 letters, digits, '_' or '-'.")]
    public void An_intake_rule_is_checked_before_it_is_saved(CheckOn checkOn, string profile, string project, string label, string error)
    {
        var input = new RuleInput
        {
            Name = "intake", CheckOn = checkOn,
            Actions = [new() { Kind = ActionKind.AnonymizeKeepOnlyCopy, ProfileId = profile, PseudonymProject = project, DoneLabel = label }],
        };
        new RuleInput.Validator().Validate(input).Errors.Select(e => e.ErrorMessage).ShouldBe([error]);
    }
}
