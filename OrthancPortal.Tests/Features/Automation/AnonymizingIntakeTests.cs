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
        protected override Action<JsonObject>? ConfigureLocalOrthanc => config =>
        {
            config["MaximumStorageCacheSize"] = 0;
            // Two ways for Orthanc to fail halfway through an intake, after the copy exists: refuse to label it, or die
            // (SIGKILL from the filter's shell, whose parent is Orthanc) while it is being labelled.
            var script = Path.Combine(Path.GetDirectoryName(config["StorageDirectory"]!.GetValue<string>())!, "intake-failures.lua");
            File.WriteAllText(script, $$"""
                function IncomingHttpRequestFilter(method, uri, ip, username, httpHeaders)
                  if method == 'PUT' and string.find(uri, '/labels/{{LuaPattern(RefusedLabel)}}$') then
                    return false
                  end
                  if method == 'PUT' and string.find(uri, '/labels/{{LuaPattern(HaltLabel)}}$') then
                    os.execute('kill -9 $PPID')
                  end
                  return true
                end
                """);
            config["LuaScripts"] = new JsonArray(script);
        };
    }

    private static string LuaPattern(string label) => label.Replace("-", "%-");
    private const string RefusedLabel = "intake-refused";
    private const string HaltLabel = "intake-halt";

    private const string Label = "intake-done";

    private async Task CreateProjectAsync(string name, string prefix)
    {
        using var scope = fixture.Portal.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<PseudonymService>().CreateProjectAsync(name, PseudonymMode.Sequential, prefix, 4, Actor.System);
    }

    private static RuleInput IntakeRule(string name, string patientIdContains, string project, string label = Label) => AutomationFixture.Rule(name, patientIdContains, new RuleInput.ActionInput
    {
        Kind = ActionKind.AnonymizeKeepOnlyCopy, ProfileId = BuiltInProfiles.DefaultId, PseudonymProject = project, DoneLabel = label,
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

    [Fact]
    public async Task A_copy_Orthanc_refuses_to_label_is_deleted_and_the_original_stays_with_the_reason_in_the_run_log()
    {
        await CreateProjectAsync("intake-refused", "RR");
        await fixture.CreateRuleAsync(IntakeRule("intake-refused", "NOLBL", "intake-refused", RefusedLabel));
        var study = TestDicom.Study(TestDicom.Patient("NOLBL1", "Refused^Rita"), "CT", instances: 3);
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);

        var run = (await fixture.WaitForRunsAsync("intake-refused", seconds: 90)).ShouldHaveSingleItem();
        run.Outcome.ShouldBe(ExecutionOutcome.Failed);
        var error = run.Error.ShouldNotBeNull();
        error.ShouldStartWith($"The verified copy could not be labelled '{RefusedLabel}', the original stays: Orthanc refused PUT /studies/");
        error.ShouldContain("403 Forbidden");
        error.ShouldEndWith("(the unfinished copy was deleted)");
        var original = (await FindStudiesAsync($$"""{ "StudyInstanceUID": "{{study.StudyUid}}" }""")).ShouldHaveSingleItem()!["ID"]!.GetValue<string>();
        (await fixture.Local.GetJsonAsync($"studies/{original}/instances")).AsArray().Count.ShouldBe(3, "the original is untouched");
        (await FindStudiesAsync("""{ "PatientID": "RR*" }""")).ShouldBeEmpty("no unfinished copy stays");
    }

    [Fact]
    public async Task Orthanc_dying_halfway_through_an_intake_leaves_the_original_and_the_run_says_why()
    {
        await CreateProjectAsync("intake-halt", "RH");
        await fixture.CreateRuleAsync(IntakeRule("intake-halt", "HALT", "intake-halt", HaltLabel));
        var study = TestDicom.Study(TestDicom.Patient("HALT1", "Halted^Hal"), "MR", instances: 3);
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);
        try
        {
            // The copy exists and passed its check; Orthanc dies while the portal labels it.
            var run = (await fixture.WaitForRunsAsync("intake-halt", seconds: 90)).ShouldHaveSingleItem();
            fixture.Local.HasExited.ShouldBeTrue();
            run.Outcome.ShouldBe(ExecutionOutcome.Failed);
            var error = run.Error.ShouldNotBeNull();
            error.ShouldStartWith($"The verified copy could not be labelled '{HaltLabel}', the original stays: ");
            error.ShouldContain("could not be deleted");
        }
        finally
        {
            await fixture.Local.RestartAsync();
        }
        var original = (await FindStudiesAsync($$"""{ "StudyInstanceUID": "{{study.StudyUid}}" }""")).ShouldHaveSingleItem()!["ID"]!.GetValue<string>();
        (await fixture.Local.GetJsonAsync($"studies/{original}/instances")).AsArray().Count.ShouldBe(3, "the original is untouched");
        // What Orthanc kept of the copy carries no done label, so a role limited to that label never sees it.
        foreach (var copy in await FindStudiesAsync("""{ "PatientID": "RH*" }"""))
        {
            (await fixture.Local.GetJsonAsync($"studies/{copy!["ID"]}/labels")).AsArray().ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task A_role_limited_to_the_done_label_never_sees_the_original_only_the_finished_copy()
    {
        await CreateProjectAsync("intake-window", "RW");
        var rule = IntakeRule("intake-window", "WNDW", "intake-window");
        rule.IsActive = false;
        var ruleId = await fixture.CreateRuleAsync(rule);
        await fixture.Portal.CreateRoleAsync("IntakeResearch", OrthancPortal.Features.Access.Permissions.ViewContent);
        await OrthancPortal.Tests.Features.Labels.LabelFixture.LimitRoleAsync(fixture.Portal, "IntakeResearch", Label);
        await fixture.Portal.CreateUserAsync("intakeresearch1", PortalFixture.Password, "IntakeResearch");
        var study = TestDicom.Study(TestDicom.Patient("WNDW1", "Window^Wim"), "CT", instances: 2);
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);
        var originalId = (await FindStudiesAsync($$"""{ "StudyInstanceUID": "{{study.StudyUid}}" }""")).ShouldHaveSingleItem()!["ID"]!.GetValue<string>();

        // Before the intake has run (the window the rule page tells of), staff see the original, the limited role does not.
        using var staff = await fixture.SignInAsync(PortalFixture.StandardUser);
        using var research = await fixture.Portal.SignInAsync("intakeresearch1", PortalFixture.Password);
        (await staff.GetStringAsync("api/content/studies?patientId=WNDW1")).ShouldContain(study.StudyUid);
        (await research.GetStringAsync("api/content/studies?patientId=WNDW1")).ShouldNotContain(study.StudyUid);
        (await research.GetAsync($"api/instances/{(await fixture.Local.GetJsonAsync($"studies/{originalId}/instances")).AsArray()[0]!["ID"]}/pdf")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using var admin = await fixture.SignInAsync(PortalFixture.AdminUser);
        (await admin.PostAsync($"api/automation/studies/{originalId}/run-again?rule=portal:{ruleId}", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var run = (await fixture.WaitForRunsAsync("intake-window", seconds: 60)).ShouldHaveSingleItem();
        run.Outcome.ShouldBe(ExecutionOutcome.Succeeded, run.Error);
        var copy = await fixture.Local.GetJsonAsync($"studies/{run.ProducedStudyId}");
        var pseudonym = copy["PatientMainDicomTags"]!["PatientID"]!.GetValue<string>();
        (await research.GetStringAsync($"api/content/studies?patientId={pseudonym}")).ShouldContain(copy["MainDicomTags"]!["StudyInstanceUID"]!.GetValue<string>());
    }
}
