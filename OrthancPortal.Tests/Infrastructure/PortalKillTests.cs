using System.IO.Compression;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Automation;
using OrthancPortal.Features.Export;
using OrthancPortal.Features.Robots;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Dicom;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Infrastructure;

/// <summary>One Orthanc pair for the kill tests: each test has its own portal process and data folder on it.</summary>
public sealed class KillTestOrthancs : IAsyncLifetime
{
    public OrthancPair Pair { get; private set; } = default!;
    public async Task InitializeAsync() => Pair = await OrthancPair.StartAsync(worklists: false);
    public async Task DisposeAsync() => await Pair.DisposeAsync();
}

/// <summary>
/// SIGKILL of the real portal process (<see cref="PortalProcess"/>) in the middle of a robot run, an export and an
/// automation download, then a start on the same data folder: every item ends done or failed with a reason, none
/// stays Retrieving/Running/Queued, and nothing is duplicated or left half-written where another program looks.
/// The kill comes when the database (and the file system) show the work under way, never after a fixed sleep.
/// </summary>
public sealed class PortalKillTests(KillTestOrthancs orthancs) : IClassFixture<KillTestOrthancs>, IAsyncLifetime
{
    private const string Admin = "killadmin";
    private const string Password = PortalFixture.Password;

    private readonly string root = TestEnvironment.NewTempFolder("kill");
    private OrthancProcess Local => orthancs.Pair.Local;
    private OrthancProcess Remote => orthancs.Pair.Remote;
    private string Data => Path.Combine(root, "data");

    private PortalProcess? portal;

    public Task InitializeAsync() => Task.CompletedTask;

    private PortalProcess NewPortal() => portal = new PortalProcess(Data, environment: new Dictionary<string, string?>
    {
        ["Robots__TickSeconds"] = "0.5",
        ["Robots__RetryBackoffSeconds"] = "1",
        ["Logging__LogLevel__Default"] = "Warning",
    });

    /// <summary>Polls fast (the work may be under way for well under a second) until <paramref name="condition"/> holds.</summary>
    private static async Task WaitCloselyAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for: {what}");
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task A_robot_killed_while_retrieving_ends_every_item_retrieved_or_failed_after_the_restart()
    {
        var studies = Enumerable.Range(1, 6).Select(n => TestDicom.Study(TestDicom.Patient($"KRB{n:D2}", $"Killed^Robot{n}"), "CT", instances: 40)).ToList();
        await RobotsPortalFixture.SendAllAsync(studies, Remote);
        long robotId = 0;
        await PortalProcess.SeedAsync(Data, async services =>
        {
            await PortalProcess.ConnectOrthancAsync(services, Local);
            var robots = services.GetRequiredService<RobotService>();
            var seeder = new RobotUser("kill-seed", "seed", IsAdmin: true, CanAutoRetrieve: true);
            var sources = studies.Select((s, i) => new RobotItemSource(i + 1, OrthancPair.RemoteModalityName, s.StudyUid, "", s.Patient.PatientId, s.Patient.Name, "")).ToList();
            robotId = await robots.CreateFromResultsAsync(seeder, "Killed robot", sources);
            await TestEnvironment.WaitUntilAsync(async () => (await robots.GetAsync(seeder, robotId))!.Robot.Status == RobotStatus.AwaitingApproval,
                TimeSpan.FromSeconds(60), "the robot's items are validated");
            // Approved with a window that is closed now, so this seeding portal retrieves nothing; opened below.
            var now = TimeOnly.FromDateTime(DateTime.Now);
            await robots.ApproveAsync(seeder, robotId, new ScheduleWindow(now.AddHours(2), now.AddHours(3)), 1);
        });
        await using (var db = new PortalProcess(Data).OpenDatabase())
        {
            var robot = await db.Set<Robot>().SingleAsync(r => r.Id == robotId);
            (robot.WindowStart, robot.WindowStop) = (ScheduleWindow.Always.Start, ScheduleWindow.Always.Stop);
            await db.SaveChangesAsync();
        }

        await using var process = NewPortal();
        await process.StartAsync();
        await WaitCloselyAsync(async () =>
        {
            await using var db = process.OpenDatabase();
            return await db.Set<RobotItem>().AnyAsync(i => i.RobotId == robotId && i.State == ItemState.Retrieving);
        }, TimeSpan.FromSeconds(60), "an item is retrieving");
        await process.KillAsync();

        List<RobotItem> ItemsIn(PortalDbContext db) => db.Set<RobotItem>().AsNoTracking().Where(i => i.RobotId == robotId).OrderBy(i => i.Line).ToList();
        await using (var db = process.OpenDatabase())
        {
            ItemsIn(db).Count(i => i.State != ItemState.Retrieved).ShouldBeGreaterThan(0, "the kill came in the middle of the run");
        }

        await process.StartAsync();
        await TestEnvironment.WaitUntilAsync(async () =>
        {
            await using var db = process.OpenDatabase();
            return (await db.Set<Robot>().AsNoTracking().SingleAsync(r => r.Id == robotId)).Status == RobotStatus.Completed;
        }, TimeSpan.FromSeconds(120), "the robot completes after the restart");

        await using (var db = process.OpenDatabase())
        {
            var items = ItemsIn(db);
            items.ShouldAllBe(i => i.State == ItemState.Retrieved || (i.State == ItemState.Failed && i.FailureReason != null));
            items.ShouldAllBe(i => i.State == ItemState.Retrieved, "nothing stood in the way of these retrieves but the kill");
        }
        foreach (var study in studies)
        {
            var moves = (await Local.GetJsonAsync("jobs?expand")).AsArray()
                .Count(j => j!["Type"]!.ToString() == "DicomMoveScu" && j["Content"]!.ToJsonString().Contains(study.StudyUid));
            moves.ShouldBe(1, $"study {study.Patient.PatientId} is moved once, the interrupted move followed rather than repeated");
        }
        foreach (var study in studies)
        {
            // Orthanc's find takes its keys as written (PostAsJsonAsync would camel-case them).
            var query = $$"""{ "Level": "Instance", "Query": { "StudyInstanceUID": "{{study.StudyUid}}" } }""";
            var found = await (await Local.Http.PostAsync("tools/find", new StringContent(query, System.Text.Encoding.UTF8, "application/json")))
                .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonArray>();
            found!.Count.ShouldBe(study.InstanceCount, "every instance retrieved, none twice");
        }
    }

    [Fact]
    public async Task An_export_killed_while_writing_to_the_folder_leaves_no_half_file_and_ends_once_after_the_restart()
    {
        // About 64 MB of incompressible pixels, so the archive takes a while to build and to copy.
        var study = TestDicom.Study(TestDicom.Patient("KEX01", "Killed^Export"), "CT", instances: 64);
        var random = new Random(15);
        foreach (var series in study.Series)
        {
            for (var i = 1; i <= series.Instances; i++)
            {
                var sopUid = DicomFileWriter.NewUid();
                var pixels = new byte[1024 * 1024];
                random.NextBytes(pixels);
                var ds = TestDicom.Instance(study, series, i, sopUid).AddUInt16(0x0028, 0x0010, 1024).AddUInt16(0x0028, 0x0011, 1024).AddBytes(0x7FE0, 0x0010, "OB", pixels);
                using var content = new ByteArrayContent(DicomFileWriter.Write(ds, series.SopClassUid, sopUid));
                (await Local.Http.PostAsync("instances", content)).EnsureSuccessStatusCode();
            }
        }
        var lookup = await (await Local.Http.PostAsync("tools/lookup", new StringContent(study.StudyUid))).EnsureSuccessStatusCode()
            .Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonArray>();
        var studyId = lookup!.Single(r => r!["Type"]!.GetValue<string>() == "Study")!["ID"]!.GetValue<string>();
        var destination = Directory.CreateDirectory(Path.Combine(root, "exported")).FullName;
        long destinationId = 0;
        await PortalProcess.SeedAsync(Data, async services =>
        {
            await PortalProcess.CreateAdminAsync(services, Admin, Password);
            await PortalProcess.ConnectOrthancAsync(services, Local);
            destinationId = (await services.GetRequiredService<DestinationStore>()
                .SaveAsync(null, new("kill-folder", DestinationKind.Folder, destination, null, null, null, null, false), Actor.System)).Id;
        });

        await using var process = NewPortal();
        await process.StartAsync();
        using (var admin = await PortalHost.SignInAsync(process.Url, Admin, Password))
        {
            (await admin.PostAsJsonAsync("api/baskets/Export", new { Items = new[] { new { Level = "Study", OrthancId = studyId } } })).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync("api/baskets/export/run", new { Target = new { Kind = "Destination", DestinationId = destinationId, Format = "Zip" }, ArchiveName = "kill-export" }))
                .EnsureSuccessStatusCode();
        }
        var final = Path.Combine(destination, "kill-export.zip");
        await TestEnvironment.WaitUntilAsync(async () =>
        {
            await using var db = process.OpenDatabase();
            return await db.Set<PortalTask>().AnyAsync(t => t.Type == ExportTaskHandler.TaskType && t.State == PortalTaskState.Running);
        }, TimeSpan.FromSeconds(60), "the export task is running");
        // The archive is built in the work folder first; the kill comes once its copy into the folder has begun.
        await WaitCloselyAsync(() =>
        {
            if (File.Exists(final)) throw new InvalidOperationException("The export finished before the kill: the study is too small to catch it half-way.");
            return Task.FromResult(Directory.EnumerateFiles(destination, ".*.tmp").Any());
        }, TimeSpan.FromSeconds(120), "the export is copying into the folder");
        await process.KillAsync();
        File.Exists(final).ShouldBeFalse("the kill came half-way through the copy");

        await process.StartAsync();
        PortalTask? task = null;
        await TestEnvironment.WaitUntilAsync(async () =>
        {
            await using var db = process.OpenDatabase();
            task = await db.Set<PortalTask>().AsNoTracking().SingleAsync(t => t.Type == ExportTaskHandler.TaskType);
            return task.IsFinished;
        }, TimeSpan.FromSeconds(120), "the export task ends after the restart");

        task!.State.ShouldBe(PortalTaskState.Succeeded, task.Error);
        Directory.EnumerateFileSystemEntries(destination).Select(Path.GetFileName).ShouldBe(["kill-export.zip"], "the study once, no half file beside it");
        using var zip = ZipFile.OpenRead(final);
        zip.Entries.Count(e => e.Length > 0).ShouldBe(study.InstanceCount);
    }

    [Fact]
    public async Task An_automation_download_killed_half_way_is_complete_after_the_restart_with_no_working_folder_left()
    {
        const string ruleId = "kill-rule";
        var study = TestDicom.Study(TestDicom.Patient("KAU01", "Killed^Automation"), "CT", instances: 300);
        await PortalProcess.SeedAsync(Data, services => PortalProcess.ConnectOrthancAsync(services, Local));
        var rules = Directory.CreateDirectory(Path.Combine(Data, "automation", "rules")).FullName;
        await File.WriteAllTextAsync(Path.Combine(rules, ruleId + ".json"), """
            { "CheckOn": "Study", "IsActive": true, "Tags": [ { "TagName": "PatientID", "Level": "Patient", "Value": "KAU01" } ], "Action": "DOWNLOAD" }
            """);
        var output = Path.Combine(Data, "automation", "output", ruleId);

        await using var process = NewPortal();
        await process.StartAsync();
        await TestDicom.SendAsync(study, Local.DicomPort, Local.Aet);
        await WaitCloselyAsync(async () =>
        {
            var working = Directory.Exists(output) ? Directory.EnumerateDirectories(output, "*" + DownloadLayout.WorkingSuffix).FirstOrDefault() : null;
            if (working is null || !Directory.EnumerateFiles(working, "*.dcm", SearchOption.AllDirectories).Any()) return false;
            await using var db = process.OpenDatabase();
            return await db.Set<AutomationExecution>().AnyAsync(e => e.RuleKey.Contains(ruleId) && e.Outcome == ExecutionOutcome.Running);
        }, TimeSpan.FromSeconds(120), "the rule's download is running and half written");
        await process.KillAsync();
        Directory.EnumerateDirectories(output).ShouldAllBe(d => d.EndsWith(DownloadLayout.WorkingSuffix), "the kill came before the folder was complete");

        await process.StartAsync();
        List<AutomationExecution> runs = [];
        await TestEnvironment.WaitUntilAsync(async () =>
        {
            await using var db = process.OpenDatabase();
            runs = await db.Set<AutomationExecution>().AsNoTracking().Where(e => e.RuleKey.Contains(ruleId)).ToListAsync();
            return runs.Count > 0 && runs.All(e => e.Outcome is ExecutionOutcome.Succeeded or ExecutionOutcome.Failed);
        }, TimeSpan.FromSeconds(120), "the run ends after the restart");

        var run = runs.ShouldHaveSingleItem("one stable event, one run");
        run.Outcome.ShouldBe(ExecutionOutcome.Succeeded, run.Error);
        var folders = Directory.EnumerateDirectories(output).ToList();
        folders.ShouldHaveSingleItem().ShouldBe(run.OutputPath);
        Directory.EnumerateFiles(folders[0], "*.dcm", SearchOption.AllDirectories).Count().ShouldBe(study.InstanceCount);
    }

    public async Task DisposeAsync()
    {
        if (portal is not null) await portal.DisposeAsync();
        await Local.ClearAsync();
        await Remote.ClearAsync();
        TestEnvironment.DeleteQuietly(root);
    }
}
