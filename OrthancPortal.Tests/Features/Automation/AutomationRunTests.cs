using OrthancPortal.Features.Audit;
using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Automation;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Automation;

public sealed class AutomationRunTests(AutomationFixture fixture) : IClassFixture<AutomationFixture>
{
    private Task SendAsync(SyntheticStudy study) => TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);

    private static int FileCount(string folder) => Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.dcm", SearchOption.AllDirectories).Count() : 0;

    [Fact]
    public async Task A_stable_event_parses_the_rules_folder_again_only_when_a_file_changed()
    {
        var source = fixture.Portal.GetRequiredService<RuleFileSource>();
        var path = Path.Combine(fixture.RulesFolder, "listing-check.json");
        const string inactive = """{ "CheckOn": "Study", "IsActive": false, "Tags": [ { "TagName": "PatientID", "Level": "Patient", "Value": "never-AAAA" } ], "Action": "DOWNLOAD" }""";
        try
        {
            await File.WriteAllTextAsync(path, inactive);
            var first = await source.ReloadAsync(force: false);
            first.Rules.ShouldContain(r => r.Id == "listing-check");
            // Nothing changed: the same snapshot.
            (await source.ReloadAsync(force: false)).ShouldBeSameAs(first);

            // The same size, a new modification time (an editor saving a one-letter change): read again.
            await File.WriteAllTextAsync(path, inactive.Replace("AAAA", "BBBB"));
            File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(5));
            var edited = await source.ReloadAsync(force: false);
            edited.ShouldNotBeSameAs(first);
            edited.Rules.Single(r => r.Id == "listing-check").Conditions.ShouldContain(c => c.Value == "never-BBBB");
        }
        finally
        {
            File.Delete(path);
            await source.ReloadAsync();
        }
    }

    [Fact]
    public async Task A_rule_file_dropped_in_takes_effect_without_a_restart_and_a_matching_study_appears_complete()
    {
        var ruleFolder = Path.Combine(fixture.OutputFolder, "drop-ct");
        Directory.CreateDirectory(ruleFolder);
        var renames = new ConcurrentQueue<(string Old, string New, int Files)>();
        var created = new ConcurrentQueue<string>();
        using var watcher = new FileSystemWatcher(fixture.OutputFolder) { IncludeSubdirectories = true, EnableRaisingEvents = true };
        watcher.Created += (_, e) => created.Enqueue(e.FullPath);
        watcher.Renamed += (_, e) => renames.Enqueue((e.OldFullPath, e.FullPath, FileCount(e.FullPath)));

        // The portal is already running: the files arrive now.
        await File.WriteAllTextAsync(Path.Combine(fixture.RulesFolder, "drop-ct.json"), """
            { "CheckOn": "Study", "IsActive": true, "Comment": "dropped in",
              "Tags": [ { "TagName": "PatientID", "Level": "Patient", "Value": "drop" }, { "TagName": "Modality", "Level": "Series", "Value": "ct" } ],
              "Action": "DOWNLOAD" }
            """);
        await File.WriteAllTextAsync(Path.Combine(fixture.RulesFolder, "broken.json"), """{ "CheckOn": "Study", "Tags": [ """);
        await File.WriteAllTextAsync(Path.Combine(fixture.RulesFolder, "automation_template.json"), """{ "CheckOn": "Study", "IsActive": true, "Tags": [], "Action": "DOWNLOAD" }""");
        var source = fixture.Portal.GetRequiredService<RuleFileSource>();
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(source.Current.Rules.Any(r => r.Id == "drop-ct") && source.Current.Errors.Any(e => e.FileName == "broken.json")),
            TimeSpan.FromSeconds(10), "the watcher reads the new files");
        source.Current.Rules.ShouldNotContain(r => r.Id == "automation_template");

        var other = TestDicom.Study(TestDicom.Patient("NOMATCH1", "Other^Olga"), "CT", instances: 2);
        var wrongModality = TestDicom.Study(TestDicom.Patient("DROP2", "Drop^Mara"), "MR", instances: 2);
        var matching = TestDicom.Study(TestDicom.Patient("DROP1", "Drop^Dora"), "CT", instances: 3, seriesCount: 2);
        await SendAsync(other);
        await SendAsync(wrongModality);
        await SendAsync(matching);

        var run = (await fixture.WaitForRunsAsync("drop-ct")).ShouldHaveSingleItem();
        run.Outcome.ShouldBe(ExecutionOutcome.Succeeded, run.Error);
        var final = Path.Combine(ruleFolder, $"DROP1-Drop-EX{matching.StudyId}");
        run.OutputPath.ShouldBe(final);
        FileCount(final).ShouldBe(6);
        Directory.GetDirectories(final).Select(Path.GetFileName).Order()
            .ShouldBe(matching.Series.Select(s => $"SE{s.Number}-NONE-{s.SeriesUid}").Order(), "the test files carry no SeriesDate");
        Directory.GetDirectories(ruleFolder).ShouldBe([final], "no folder for the studies that did not match, and no .WORKING left");

        // The final folder came into being only by the rename of the complete working folder.
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(renames.Any(r => r.New == final)), TimeSpan.FromSeconds(5), "the rename event");
        var rename = renames.Single(r => r.New == final);
        rename.Old.ShouldBe(final + ".WORKING");
        rename.Files.ShouldBe(6);
        created.ShouldNotContain(final);
        Directory.Exists(Path.Combine(fixture.OutputFolder, "automation_template")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_hostile_patient_name_writes_inside_the_output_folder_only()
    {
        await fixture.CreateRuleAsync(AutomationFixture.Rule("hostile", "HOSTILE"));
        var study = TestDicom.Study(TestDicom.Patient("HOSTILE1", "../../etc^x"), "CT", instances: 2);
        var before = Directory.GetFileSystemEntries(fixture.Root).Order().ToList();
        await SendAsync(study);

        var run = (await fixture.WaitForRunsAsync("hostile")).ShouldHaveSingleItem();
        run.Outcome.ShouldBe(ExecutionOutcome.Succeeded, run.Error);
        var folder = run.OutputPath!;
        Path.GetDirectoryName(folder).ShouldBe(Path.Combine(fixture.OutputFolder, "hostile"));
        Path.GetFileName(folder).ShouldBe($"HOSTILE1-____etc-EX{study.StudyId}");
        FileCount(folder).ShouldBe(2);
        Directory.GetFileSystemEntries(fixture.Root).Order().ShouldBe(before);
        Directory.Exists(Path.Combine(Path.GetDirectoryName(fixture.Root)!, "etc")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_forward_rule_sends_the_study_to_the_remote_PACS()
    {
        await fixture.CreateRuleAsync(AutomationFixture.Rule("forward", "FWD", new RuleInput.ActionInput
        {
            Kind = ActionKind.Forward, Target = ForwardTarget.Modality, Destination = OrthancPair.RemoteModalityName,
        }));
        var study = TestDicom.Study(TestDicom.Patient("FWD1", "Forward^Fiona"), "MR", instances: 3);
        await SendAsync(study);

        var run = (await fixture.WaitForRunsAsync("forward")).ShouldHaveSingleItem();
        run.Outcome.ShouldBe(ExecutionOutcome.Succeeded, run.Error);
        var found = (await fixture.Remote.Http.PostAsync("tools/lookup", new StringContent(study.StudyUid)));
        (await found.Content.ReadAsStringAsync()).ShouldContain("\"Study\"");
        var instances = await fixture.Remote.Http.PostAsync("tools/find", new StringContent($$"""{ "Level": "Instance", "Query": { "StudyInstanceUID": "{{study.StudyUid}}" } }"""));
        System.Text.Json.Nodes.JsonNode.Parse(await instances.Content.ReadAsStringAsync())!.AsArray().Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_missing_output_folder_fails_that_run_with_the_reason_and_the_other_rules_go_on()
    {
        var missing = Path.Combine(fixture.Root, "not-mounted");
        await fixture.CreateRuleAsync(AutomationFixture.Rule("to-missing", "MISSING", new RuleInput.ActionInput { Kind = ActionKind.Download, OutputFolder = missing }));
        await fixture.CreateRuleAsync(AutomationFixture.Rule("to-default", "MISSING"));
        await SendAsync(TestDicom.Study(TestDicom.Patient("MISSING1", "Missing^Max"), "CT", instances: 1));

        var failed = (await fixture.WaitForRunsAsync("to-missing")).ShouldHaveSingleItem();
        failed.Outcome.ShouldBe(ExecutionOutcome.Failed);
        failed.Error.ShouldBe($"The output folder '{missing}' does not exist.");
        var ok = (await fixture.WaitForRunsAsync("to-default")).ShouldHaveSingleItem();
        ok.Outcome.ShouldBe(ExecutionOutcome.Succeeded, ok.Error);
        Directory.Exists(missing).ShouldBeFalse();
    }

    [Fact]
    public async Task A_study_that_gains_images_runs_again_on_its_new_stable_event_and_Run_again_runs_it_once_more()
    {
        await fixture.CreateRuleAsync(AutomationFixture.Rule("grows", "GROW"));
        var study = TestDicom.Study(TestDicom.Patient("GROW1", "Grow^Greta"), "CT", instances: 2);
        await SendAsync(study);
        var first = (await fixture.WaitForRunsAsync("grows")).ShouldHaveSingleItem();
        first.Outcome.ShouldBe(ExecutionOutcome.Succeeded, first.Error);
        FileCount(first.OutputPath!).ShouldBe(2);

        // Two more images of the same series arrive later: Orthanc calls the study stable again.
        var later = study with { Series = [study.Series[0] with { Instances = 2 }] };
        var folder = TestEnvironment.NewTempFolder("grow");
        var files = TestDicom.WriteFiles(later, folder);
        await StoreScu.SendAsync(folder, fixture.Local.DicomPort, fixture.Local.Aet);
        var runs = await fixture.WaitForRunsAsync("grows", 2);
        runs.Select(r => r.ResourceId).Distinct().ShouldHaveSingleItem();
        runs.Select(r => r.TriggerKey).Distinct().Count().ShouldBe(2);
        runs.ShouldAllBe(r => r.Outcome == ExecutionOutcome.Succeeded);
        FileCount(first.OutputPath!).ShouldBe(4, "the folder is rebuilt with every image of the study");
        Directory.GetDirectories(Path.GetDirectoryName(first.OutputPath!)!).ShouldBe([first.OutputPath!]);

        using var http = await fixture.SignInAsync(PortalFixture.AdminUser);
        var response = await http.PostAsync($"api/automation/studies/{first.ResourceId}/run-again", null);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var third = await fixture.WaitForRunsAsync("grows", 3);
        third.Count(r => r.TriggerKey.StartsWith("manual:")).ShouldBe(1);
        (await http.PostAsync("api/automation/studies/not-an-id/run-again", null)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var viewer = await fixture.SignInAsync(PortalFixture.ViewerUser);
        var denied = await viewer.PostAsync($"api/automation/studies/{first.ResourceId}/run-again", null);
        denied.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await fixture.Portal.WaitForChangeFeedAsync();
        (await fixture.RunsAsync("grows")).Count.ShouldBe(3);
        TestEnvironment.DeleteQuietly(folder);
    }

    [Fact]
    public async Task A_run_cut_short_by_a_stop_runs_again_after_the_restart_and_replaces_its_output_instead_of_duplicating_it()
    {
        await fixture.CreateRuleAsync(AutomationFixture.Rule("crashy", "CRASHY"));
        await SendAsync(TestDicom.Study(TestDicom.Patient("CRASHY1", "Crash^Carl"), "CT", instances: 2));
        var first = (await fixture.WaitForRunsAsync("crashy")).ShouldHaveSingleItem();
        first.Outcome.ShouldBe(ExecutionOutcome.Succeeded, first.Error);

        // As if the portal died after writing but before recording: the run is still "Running", a half working folder is left.
        var factory = fixture.Portal.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<OrthancPortal.Infrastructure.Database.PortalDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var row = await db.Set<AutomationExecution>().FindAsync(first.Id);
            row!.Outcome = ExecutionOutcome.Running;
            await db.SaveChangesAsync();
        }
        Directory.CreateDirectory(first.OutputPath + ".WORKING");
        await File.WriteAllTextAsync(Path.Combine(first.OutputPath + ".WORKING", "partial.dcm"), "half");
        await fixture.Portal.RestartAsync();

        await TestEnvironment.WaitUntilAsync(async () => (await fixture.RunsAsync("crashy")).Single().Outcome == ExecutionOutcome.Succeeded,
            TimeSpan.FromSeconds(30), "the interrupted run finishes after the restart");
        (await fixture.RunsAsync("crashy")).Single().Id.ShouldBe(first.Id);
        Directory.GetDirectories(Path.GetDirectoryName(first.OutputPath!)!).ShouldBe([first.OutputPath!]);
        FileCount(first.OutputPath!).ShouldBe(2);
    }

    [Fact]
    public async Task A_dry_run_shows_each_condition_and_where_the_output_would_go_without_writing()
    {
        var id = await fixture.CreateRuleAsync(AutomationFixture.Rule("dry", "DRY"));
        var study = TestDicom.Study(TestDicom.Patient("DRY1", "Dry^Dieter"), "CT", instances: 1);
        // Sent while the rule is inactive, so only the dry run looks at it.
        using (var scope = fixture.Portal.Services.CreateScope()) await scope.ServiceProvider.GetRequiredService<RuleStore>().SetActiveAsync(id, false);
        await SendAsync(study);

        using var http = await fixture.SignInAsync(PortalFixture.StandardUser);
        var report = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>(http,
            $"api/automation/dry-run?key=portal:{id}&study={study.StudyUid}");
        var target = report!["targets"]!.AsArray().Single()!;
        target["matches"]!.GetValue<bool>().ShouldBeTrue();
        target["conditions"]!.AsArray().Single()!["actual"]!.GetValue<string>().ShouldBe("DRY1");
        target["plan"]!.AsArray().Single()!.GetValue<string>().ShouldStartWith($"Download to {Path.Combine(fixture.OutputFolder, "dry", $"DRY1-Dry-EX{study.StudyId}")}");
        Directory.Exists(Path.Combine(fixture.OutputFolder, "dry")).ShouldBeFalse();

        var export = await http.GetStringAsync($"api/automation/rules/export?key=portal:{id}");
        var parsed = RuleFileFormat.Parse(export, "dry");
        parsed.Conditions.Single().Value.ShouldBe("DRY");
        parsed.Actions.Single().Kind.ShouldBe(ActionKind.Download);
    }
}

public sealed class AutomationAnonymizeTests(AutomationFixture fixture) : IClassFixture<AutomationFixture>
{
    [Fact]
    public async Task Anonymize_then_zip_writes_a_zip_whose_instances_carry_no_original_patient_name()
    {
        await fixture.CreateRuleAsync(AutomationFixture.Rule("anon-zip", "ANONZIP",
            new RuleInput.ActionInput { Kind = ActionKind.Anonymize, ProfileId = OrthancPortal.Features.Anonymization.BuiltInProfiles.DefaultId, DeleteAnonymizedCopy = true },
            new RuleInput.ActionInput { Kind = ActionKind.Zip }));
        var study = TestDicom.Study(TestDicom.Patient("ANONZIP1", "Geheim^Gisela"), "CT", instances: 3);
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);

        var run = (await fixture.WaitForRunsAsync("anon-zip", seconds: 60)).ShouldHaveSingleItem();
        run.Outcome.ShouldBe(ExecutionOutcome.Succeeded, run.Error);
        var zipPath = run.OutputPath!.Split('\n').Single(p => p.EndsWith(".zip"));
        Path.GetDirectoryName(zipPath).ShouldBe(Path.Combine(fixture.OutputFolder, "anon-zip"));
        Path.GetFileName(zipPath).ShouldNotContain("ANONZIP1");
        Path.GetFileName(zipPath).ShouldNotContain("Geheim");

        using var zip = System.IO.Compression.ZipFile.OpenRead(zipPath);
        var dicoms = zip.Entries.Where(e => e.Length > 0).ToList();
        dicoms.Count.ShouldBe(3);
        foreach (var entry in dicoms)
        {
            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            var text = System.Text.Encoding.Latin1.GetString(buffer.ToArray());
            text.ShouldContain("DICM");
            text.ShouldNotContain("Geheim");
            text.ShouldNotContain("ANONZIP1");
            entry.FullName.ShouldNotContain("Geheim");
        }

        // The copy is deleted as the rule says, and its own stable event never triggered the rule again.
        run.ProducedStudyId.ShouldNotBeNull();
        (await fixture.Local.Http.GetAsync($"studies/{run.ProducedStudyId}")).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
        await fixture.Portal.WaitForChangeFeedAsync();
        (await fixture.RunsAsync("anon-zip")).Count.ShouldBe(1);
    }
}

public sealed class AutomationOwnershipTests(AutomationFixture fixture) : IClassFixture<AutomationFixture>
{
    [Fact]
    public async Task Output_is_owned_by_the_configured_uid_and_gid_and_every_run_is_audited()
    {
        if (Environment.UserName != "root") throw new InvalidOperationException("This test changes file owners and needs to run as root (as the test machine does).");
        using (var scope = fixture.Portal.Services.CreateScope())
        {
            var settings = scope.ServiceProvider.GetRequiredService<OrthancPortal.Features.Settings.SettingsStore>();
            var s = await settings.GetAsync<AutomationSettings>();
            s.OwnerUid = 4321;
            s.OwnerGid = 4322;
            await settings.SaveAsync(s, Actor.System);
        }
        await fixture.CreateRuleAsync(AutomationFixture.Rule("owned", "OWNED", new RuleInput.ActionInput { Kind = ActionKind.Download }, new RuleInput.ActionInput { Kind = ActionKind.Zip }));
        await TestDicom.SendAsync(TestDicom.Study(TestDicom.Patient("OWNED1", "Owner^Otto"), "CT", instances: 2), fixture.Local.DicomPort, fixture.Local.Aet);

        var run = (await fixture.WaitForRunsAsync("owned")).ShouldHaveSingleItem();
        run.Outcome.ShouldBe(ExecutionOutcome.Succeeded, run.Error);
        var outputs = run.OutputPath!.Split('\n');
        var all = outputs.Concat(Directory.EnumerateFileSystemEntries(outputs[0], "*", SearchOption.AllDirectories)).ToList();
        all.Count.ShouldBe(2 + 1 + 2);
        foreach (var path in all)
        {
            var (_, owner) = await TestEnvironment.RunAsync("stat", ["-c", "%u:%g", path]);
            owner.Trim().ShouldBe("4321:4322", path);
        }

        using var admin = await fixture.SignInAsync(PortalFixture.AdminUser);
        var audit = await admin.GetStringAsync("api/admin/audit.csv");
        audit.ShouldContain("automation.run");
        audit.ShouldContain($"studies/{run.ResourceId}");
    }
}
