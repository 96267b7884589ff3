using OrthancPortal.Infrastructure;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Anonymization;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Automation;
using OrthancPortal.Features.Burner;
using OrthancPortal.Features.Gdt;
using OrthancPortal.Features.Import;
using OrthancPortal.Features.QueryRetrieve;
using OrthancPortal.Features.Robots;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Orthanc;

/// <summary>The burner (with a disc-producer simulator), GDT and automation all on, on a portal with a remote PACS.</summary>
public class TriggerFixture : PortalFixture
{
    public string Root { get; } = TestEnvironment.NewTempFolder("triggers");
    public string Monitored => Path.Combine(Root, "monitored");
    public string GdtFolder => Path.Combine(Root, "gdt");
    public string RulesFolder => Path.Combine(Root, "rules");
    public string OutputFolder => Path.Combine(Root, "out");
    public BurnerSimulator Simulator { get; private set; } = default!;

    protected override IDictionary<string, string?> PortalSettings => new Dictionary<string, string?>(RobotsPortalFixture.FastRobots)
    {
        ["Burner:MonitoredFolder"] = Monitored,
        ["Burner:Manufacturer"] = "Epson",
        ["BurnerService:Running"] = "true",
        ["BurnerMonitor:RescanSeconds"] = "1",
        ["Gdt:Folder"] = GdtFolder,
        ["Automation:RulesFolder"] = RulesFolder,
        ["Automation:OutputFolder"] = OutputFolder,
    };

    public override async Task InitializeAsync()
    {
        foreach (var folder in new[] { Monitored, GdtFolder, RulesFolder, OutputFolder }) Directory.CreateDirectory(folder);
        Simulator = new BurnerSimulator(Monitored);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await Simulator.DisposeAsync();
        await base.DisposeAsync();
        TestEnvironment.DeleteQuietly(Root);
    }

    public async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Portal.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    public async Task<TResult> DbAsync<TResult>(Func<PortalDbContext, Task<TResult>> query)
    {
        await using var db = await Portal.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    public async Task ChangeAsync<T>(Action<T> change) where T : class, ISettingsSection, new()
    {
        var store = Portal.GetRequiredService<SettingsStore>();
        var value = await store.GetAsync<T>();
        change(value);
        await store.SaveAsync(value, Actor.System);
    }

    /// <summary>Waits until Orthanc calls every study stable and the change feed has passed all their changes.</summary>
    public async Task SettleAsync()
    {
        await TestEnvironment.WaitUntilAsync(async () => (await Local.GetJsonAsync("studies?expand")).AsArray().All(s => s!["IsStable"]!.GetValue<bool>()),
            TimeSpan.FromSeconds(60), "every study stable");
        await Portal.WaitForChangeFeedAsync(TimeSpan.FromSeconds(60));
    }

    public async Task<string> LocalStudyIdAsync(string studyUid)
    {
        string? id = null;
        await TestEnvironment.WaitUntilAsync(async () =>
        {
            var found = await Local.Http.PostAsync("tools/lookup", new StringContent(studyUid));
            id = JsonNode.Parse(await found.Content.ReadAsStringAsync())!.AsArray().FirstOrDefault(n => n!["Type"]!.GetValue<string>() == "Study")?["ID"]!.GetValue<string>();
            return id is not null;
        }, TimeSpan.FromSeconds(30), $"study {studyUid} in the portal's Orthanc");
        return id!;
    }

    /// <summary>What the three consumers did for a study: burn jobs (automatic), GDT new-study files, automation runs.</summary>
    public async Task<(int Burns, int GdtFiles, int Runs)> WorkForAsync(string orthancStudyId)
    {
        var burns = await DbAsync(db => db.Set<BurnerJob>().CountAsync(j => j.Trigger == BurnTrigger.Auto && j.StudyOrthancIds.Contains(orthancStudyId)));
        var gdt = await DbAsync(db => db.Set<GdtFile>().CountAsync(f => f.Kind == GdtFile.KindStudy && f.OrthancStudyId == orthancStudyId));
        var runs = await DbAsync(db => db.Set<AutomationExecution>().CountAsync(r => r.ResourceId == orthancStudyId && !r.TriggerKey.StartsWith("manual:")));
        return (burns, gdt, runs);
    }
}

/// <summary>The trigger fixture with the portal's database on the test PostgreSQL server.</summary>
public sealed class PostgresTriggerFixture : TriggerFixture
{
    protected override PortalDatabase? Database => PortalDatabase.Postgres;
}

public abstract class TriggerSourcesTests(TriggerFixture fx)
{
    private static readonly RobotUser Admin = new("admin-1", PortalFixture.AdminUser, IsAdmin: true, CanAutoRetrieve: true);

    private async Task EnsureRuleAsync()
    {
        await fx.InScopeAsync(async sp =>
        {
            var store = sp.GetRequiredService<RuleStore>();
            if ((await store.AllAsync(rereadFiles: false)).Rules.Any(r => r.Name == "every-ct")) return 0;
            // Modality is kept by every anonymization profile, so the rule would match the anonymized copy too.
            var result = await store.SaveAsync(null, new RuleInput
            {
                Name = "every-ct", CheckOn = CheckOn.Study,
                Conditions = [new() { TagName = "Modality", Level = TagLevel.Series, Value = "CT" }],
                Actions = [new() { Kind = ActionKind.Download }],
            });
            result.Succeeded.ShouldBeTrue(string.Join("; ", result.Errors));
            return 0;
        });
    }

    private Task<string> RetrieveAsync(SyntheticStudy study) => fx.InScopeAsync(async sp =>
    {
        var qr = sp.GetRequiredService<QueryRetrieveService>();
        var job = await qr.StartRetrieveAsync(OrthancPair.RemoteModalityName, study.StudyUid, null);
        return await qr.FollowRetrieveAsync(job, study.StudyUid);
    });

    private async Task<string> RetrieveByRobotAsync(SyntheticStudy study)
    {
        var id = await fx.InScopeAsync(sp => sp.GetRequiredService<RobotService>().CreateFromResultsAsync(Admin, "Triggers",
            [new RobotItemSource(1, OrthancPair.RemoteModalityName, study.StudyUid, "", study.Patient.PatientId, study.Patient.Name, study.Description)]));
        async Task<RobotStatus> StatusAsync() => (await fx.InScopeAsync(sp => sp.GetRequiredService<RobotService>().GetAsync(Admin, id)))!.Robot.Status;
        await TestEnvironment.WaitUntilAsync(async () => await StatusAsync() == RobotStatus.AwaitingApproval, TimeSpan.FromSeconds(60), "robot validated");
        await fx.InScopeAsync(async sp => { await sp.GetRequiredService<RobotService>().ApproveAsync(Admin, id, ScheduleWindow.Always, 1); return 0; });
        await TestEnvironment.WaitUntilAsync(async () => await StatusAsync() == RobotStatus.Completed, TimeSpan.FromSeconds(90), "robot completed");
        return await fx.LocalStudyIdAsync(study.StudyUid);
    }

    private async Task<string> UploadAsync(SyntheticStudy study)
    {
        using var admin = await fx.SignInAsync(PortalFixture.AdminUser);
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            var files = ContentTestData.Files(study);
            for (var i = 0; i < files.Count; i++) { await using var s = archive.CreateEntry($"{i}.dcm").Open(); await s.WriteAsync(files[i]); }
        }
        var import = new HttpRequestMessage(HttpMethod.Post, "api/import/file") { Content = new ByteArrayContent(zip.ToArray()) };
        import.Headers.Add(ImportEndpoints.FileNameHeader, "upload.zip");
        var imported = (await (await admin.SendAsync(import)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonArray>())!;
        return imported[0]!["studyId"]!.GetValue<string>();
    }

    [Fact]
    public async Task Under_the_default_sources_only_the_study_a_modality_sent_is_burned_reported_and_automated_once()
    {
        await EnsureRuleAsync();
        var prior = TestDicom.Study(TestDicom.Patient("TRGQR", "Prior^Paula"), "CT", instances: 1, date: "19990312");
        var robotPrior = TestDicom.Study(TestDicom.Patient("TRGROBOT", "Robot^Rita"), "CT", instances: 1, date: "20040101");
        await RobotsPortalFixture.SendAllAsync([prior, robotPrior], fx.Remote);

        var fromModality = TestDicom.Study(TestDicom.Patient("TRGMOD", "Modal^Maria"), "CT", instances: 2);
        var folder = TestEnvironment.NewTempFolder("trg-send");
        TestDicom.WriteFiles(fromModality, folder);
        await StoreScu.SendAsync(folder, fx.Local.DicomPort, fx.Local.Aet, callingAet: "CT01");
        TestEnvironment.DeleteQuietly(folder);

        var retrievedId = await RetrieveAsync(prior);
        var robotId = await RetrieveByRobotAsync(robotPrior);
        var uploadedId = await UploadAsync(TestDicom.Study(TestDicom.Patient("TRGUP", "Upload^Ulla"), "CT", instances: 1));
        var modalityId = await fx.LocalStudyIdAsync(fromModality.StudyUid);

        // The modality's study gets its disc, its GDT file and its run.
        await TestEnvironment.WaitUntilAsync(async () => await fx.WorkForAsync(modalityId) == (1, 1, 1), TimeSpan.FromSeconds(60), "burn, GDT and run of the modality's study");
        var anonymizedId = await fx.InScopeAsync(sp => sp.GetRequiredService<AnonymizationService>()
            .AnonymizeStudyAsync(modalityId, BuiltInProfiles.DefaultId, new AnonymizationOverrides("ANON^ONE", "ANON001"), Actor.System));

        await fx.SettleAsync();
        (await fx.WorkForAsync(modalityId)).ShouldBe((1, 1, 1));
        (await fx.WorkForAsync(retrievedId)).ShouldBe((0, 0, 0), "retrieved by query/retrieve");
        (await fx.WorkForAsync(robotId)).ShouldBe((0, 0, 0), "retrieved by a robot");
        (await fx.WorkForAsync(uploadedId)).ShouldBe((0, 0, 0), "uploaded in the portal");
        (await fx.WorkForAsync(anonymizedId)).ShouldBe((0, 0, 0), "the anonymized copy");
        File.Exists(Path.Combine(fx.GdtFolder, $"{fromModality.Accession}.gdt")).ShouldBeTrue();
        Directory.GetFiles(fx.GdtFolder, "*.gdt").ShouldNotContain(f => Path.GetFileName(f) == "ANON001.gdt" || f.Contains(prior.Accession) || f.Contains(robotPrior.Accession));
    }

    [Fact]
    public async Task With_retrieved_studies_among_the_sources_a_retrieved_study_is_burned_reported_and_automated_and_an_old_prior_is_not_burned()
    {
        await EnsureRuleAsync();
        await fx.ChangeAsync<BurnerSettings>(s => { s.Sources.Retrieved = true; s.MaxStudyAgeDays = 3650; });
        await fx.ChangeAsync<GdtSettings>(s => s.NewStudySources.Retrieved = true);
        await fx.ChangeAsync<AutomationSettings>(s => s.Sources.Retrieved = true);
        try
        {
            var recent = TestDicom.Study(TestDicom.Patient("TRGWIDE", "Wide^Wanda"), "CT", instances: 1);
            var old = TestDicom.Study(TestDicom.Patient("TRGOLD", "Old^Otto"), "CT", instances: 1, date: "19990101");
            await RobotsPortalFixture.SendAllAsync([recent, old], fx.Remote);
            var recentId = await RetrieveAsync(recent);
            var oldId = await RetrieveAsync(old);

            await TestEnvironment.WaitUntilAsync(async () => await fx.WorkForAsync(recentId) == (1, 1, 1), TimeSpan.FromSeconds(60), "burn, GDT and run of the retrieved study");
            await fx.SettleAsync();
            (await fx.WorkForAsync(recentId)).ShouldBe((1, 1, 1));
            (await fx.WorkForAsync(oldId)).ShouldBe((0, 1, 1), "older than the burner's maximum age, but GDT and automation take it");
        }
        finally
        {
            await fx.ChangeAsync<BurnerSettings>(s => { s.Sources.Retrieved = false; s.MaxStudyAgeDays = 0; });
            await fx.ChangeAsync<GdtSettings>(s => s.NewStudySources.Retrieved = false);
            await fx.ChangeAsync<AutomationSettings>(s => s.Sources.Retrieved = false);
        }
    }

    /// <summary>These tests on the portal's default database.</summary>
    public sealed class OnSqlite(TriggerFixture fixture) : TriggerSourcesTests(fixture), IClassFixture<TriggerFixture>;

    /// <summary>The same tests with the portal's database on PostgreSQL.</summary>
    public sealed class OnPostgres(PostgresTriggerFixture fixture) : TriggerSourcesTests(fixture), IClassFixture<PostgresTriggerFixture>;
}
