using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Anonymization;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Automation;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Automation;

/// <summary>The anonymizing intake through real storescu and Orthanc 1.12: only verified, pseudonymized copies stay.</summary>
public sealed class AnonymizingIntakeTests(AnonymizingIntakeTests.IntakeFixture fixture) : IClassFixture<AnonymizingIntakeTests.IntakeFixture>
{
    /// <summary>Orthanc without its storage cache, so a file lost on disk is really missed (1.12 caches recent files in memory).</summary>
    public sealed class IntakeFixture : AutomationFixture
    {
        protected override Action<JsonObject>? ConfigureLocalOrthanc => config => config["MaximumStorageCacheSize"] = 0;
    }

    private const string Label = "intake-done";

    private async Task CreateProjectAsync(string name, string prefix)
    {
        using var scope = fixture.Portal.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<PseudonymService>().CreateProjectAsync(name, PseudonymMode.Sequential, prefix, 4, Actor.System);
    }

    private static RuleInput IntakeRule(string name, string patientIdContains, string project) => AutomationFixture.Rule(name, patientIdContains, new RuleInput.ActionInput
    {
        Kind = ActionKind.AnonymizeKeepOnlyCopy, ProfileId = BuiltInProfiles.DefaultId, PseudonymProject = project, DoneLabel = Label,
    });

    private async Task<JsonArray> FindStudiesAsync(string query)
    {
        var response = await fixture.Local.Http.PostAsync("tools/find", new StringContent($$"""{ "Level": "Study", "Expand": true, "Query": {{query}} }"""));
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
    }

    [Fact]
    public async Task Five_studies_of_three_patients_end_as_five_anonymized_studies_with_three_consistent_pseudonyms_and_no_original_left()
    {
        await CreateProjectAsync("intake-five", "RS");
        await fixture.CreateRuleAsync(IntakeRule("intake-five", "INTK", "intake-five"));
        var patients = new[] { TestDicom.Patient("INTK1", "Intake^Ida"), TestDicom.Patient("INTK2", "Intake^Ivo"), TestDicom.Patient("INTK3", "Intake^Ina") };
        // Each study has its own instance count, which is how a copy is told apart from the others below.
        var studies = new[]
        {
            TestDicom.Study(patients[0], "CT", instances: 3), TestDicom.Study(patients[0], "MR", instances: 2),
            TestDicom.Study(patients[1], "CT", instances: 3, seriesCount: 2), TestDicom.Study(patients[1], "US", instances: 1),
            TestDicom.Study(patients[2], "MR", instances: 4),
        };
        foreach (var study in studies) await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);

        var runs = await fixture.WaitForRunsAsync("intake-five", 5, seconds: 120);
        runs.ShouldAllBe(r => r.Outcome == ExecutionOutcome.Succeeded, string.Join("; ", runs.Select(r => r.Error)));
        (await FindStudiesAsync("""{ "PatientID": "INTK*" }""")).ShouldBeEmpty("no original is left");
        foreach (var study in studies) (await FindStudiesAsync($$"""{ "StudyInstanceUID": "{{study.StudyUid}}" }""")).ShouldBeEmpty();

        var copies = runs.Select(r => r.ProducedStudyId!).ToList();
        copies.Distinct().Count().ShouldBe(5);
        var pseudonymOf = new Dictionary<string, string>();
        foreach (var copyId in copies)
        {
            var copy = await fixture.Local.GetJsonAsync($"studies/{copyId}");
            var pseudonym = copy["PatientMainDicomTags"]!["PatientID"]!.GetValue<string>();
            pseudonym.ShouldStartWith("RS");
            copy["PatientMainDicomTags"]!["PatientName"]!.GetValue<string>().ShouldBe(pseudonym);
            (await fixture.Local.GetJsonAsync($"studies/{copyId}/labels")).AsArray().Select(l => l!.GetValue<string>()).ShouldContain(Label);
            var count = (await fixture.Local.GetJsonAsync($"studies/{copyId}/instances")).AsArray().Count;
            var original = studies.Single(s => s.InstanceCount == count);
            if (pseudonymOf.TryGetValue(original.Patient.PatientId, out var seen)) seen.ShouldBe(pseudonym, "one patient, one pseudonym");
            pseudonymOf[original.Patient.PatientId] = pseudonym;
        }
        pseudonymOf.Values.Distinct().Count().ShouldBe(3, "the same patient always gets the same pseudonym");

        // The reverse map (ViewPseudonymMap) leads back to each original patient id; a user without it gets 403.
        using var admin = await fixture.SignInAsync(PortalFixture.AdminUser);
        var csv = await admin.GetStringAsync("api/pseudonyms/intake-five/map.csv");
        // The CSV follows the request's culture (English here: comma-separated); each line starts "pseudonym,original id".
        var lines = csv.Split('\n', StringSplitOptions.TrimEntries);
        foreach (var (patientId, pseudonym) in pseudonymOf) lines.ShouldContain(l => l.StartsWith($"{pseudonym},{patientId},", StringComparison.Ordinal));
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);
        (await user.GetAsync("api/pseudonyms/intake-five/map.csv")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_study_whose_anonymization_fails_keeps_its_original_and_the_run_says_why()
    {
        await CreateProjectAsync("intake-fail", "RF");
        var rule = IntakeRule("intake-fail", "BRKN", "intake-fail");
        rule.IsActive = false;
        var ruleId = await fixture.CreateRuleAsync(rule);
        var study = TestDicom.Study(TestDicom.Patient("BRKN1", "Broken^Bea"), "CT", instances: 3);
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);
        var originalId = (await FindStudiesAsync($$"""{ "StudyInstanceUID": "{{study.StudyUid}}" }""")).ShouldHaveSingleItem()!["ID"]!.GetValue<string>();

        // A storage file lost on disk (what a failing disk does): Orthanc's anonymization job cannot read that instance.
        var instance = (await fixture.Local.GetJsonAsync($"studies/{originalId}/instances")).AsArray()[1]!;
        var uuid = (await fixture.Local.GetJsonAsync($"instances/{instance["ID"]}/attachments/dicom/info"))["Uuid"]!.GetValue<string>();
        File.Delete(Path.Combine(fixture.Local.Folder, "storage", uuid[..2], uuid[2..4], uuid));

        using var admin = await fixture.SignInAsync(PortalFixture.AdminUser);
        (await admin.PostAsync($"api/automation/studies/{originalId}/run-again?rule=portal:{ruleId}", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var run = (await fixture.WaitForRunsAsync("intake-fail", seconds: 60)).ShouldHaveSingleItem();

        run.Outcome.ShouldBe(ExecutionOutcome.Failed);
        run.Error.ShouldNotBeNull().ShouldStartWith("Anonymization failed, the original stays:");
        (await fixture.Local.GetJsonAsync($"studies/{originalId}"))["ID"]!.GetValue<string>().ShouldBe(originalId);
        (await fixture.Local.GetJsonAsync($"studies/{originalId}/instances")).AsArray().Count.ShouldBe(3, "the original is untouched");
        (await FindStudiesAsync("""{ "PatientID": "RF*" }""")).ShouldBeEmpty("no half-made copy stays");
    }

    [Fact]
    public async Task The_check_finds_an_identifying_value_the_copy_kept_without_naming_it()
    {
        await CreateProjectAsync("intake-check", "RC");
        var study = TestDicom.Study(TestDicom.Patient("CHK1", "Check^Carl"), "CT", instances: 2);
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);
        var originalId = (await FindStudiesAsync($$"""{ "StudyInstanceUID": "{{study.StudyUid}}" }""")).ShouldHaveSingleItem()!["ID"]!.GetValue<string>();

        using var scope = fixture.Portal.Services.CreateScope();
        var services = scope.ServiceProvider;
        // A copy made by a profile that keeps the accession number, checked against the default profile that removes it.
        var keeping = await services.GetRequiredService<ProfileStore>().SaveAsync(null, "keeps accession", new ProfileRules { Keep = ["0008,0050"], PseudonymProject = "intake-check" }, Actor.System);
        var copyId = await services.GetRequiredService<AnonymizationService>().AnonymizeStudyAsync(originalId, keeping.Id, AnonymizationOverrides.None, Actor.System);
        var intake = services.GetRequiredService<AnonymizingIntake>();
        var action = new RuleAction(ActionKind.AnonymizeKeepOnlyCopy) { ProfileId = BuiltInProfiles.DefaultId, PseudonymProject = "intake-check" };

        var ex = await Should.ThrowAsync<AutomationRunException>(() => intake.VerifyAsync(originalId, copyId, action, CancellationToken.None));
        ex.Message.ShouldStartWith("The anonymized copy still holds the original value of AccessionNumber (0008,0050)");
        ex.Message.ShouldNotContain(study.Accession);

        var good = await services.GetRequiredService<AnonymizationService>().AnonymizeStudyAsync(originalId, BuiltInProfiles.DefaultId,
            new AnonymizationOverrides(PseudonymProject: "intake-check"), Actor.System);
        await intake.VerifyAsync(originalId, good, action, CancellationToken.None);
        await Should.ThrowAsync<AutomationRunException>(() => intake.VerifyAsync(originalId, originalId, action, CancellationToken.None));
    }
}
