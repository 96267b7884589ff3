using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Export;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Infrastructure.Scheduling;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Infrastructure.ScaleOut;

/// <summary>
/// An export started on portal process A, with a user signed in on portal B watching the task list: B's page shows the
/// task A runs, live (the notifier's PostgreSQL fan-out); A is killed in the middle of it; B takes the task over when A's
/// heartbeat stops and completes it (spool files in the shared data folder).
/// </summary>
public sealed class TaskTakeOverTests : IAsyncLifetime
{
    private readonly BrowserFixture browser = new();
    private ScaleOutCluster cluster = default!;

    public async Task InitializeAsync()
    {
        await browser.InitializeAsync();
        cluster = await ScaleOutCluster.StartAsync("TAKEPACS");
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        await cluster.DisposeAsync();
    }

    [Fact]
    public async Task An_export_started_on_A_shows_live_on_B_and_completes_on_B_after_A_is_killed()
    {
        long destinationId = 0;
        await cluster.SeedAsync(async host => destinationId = (await host.GetRequiredService<DestinationStore>()
            .SaveAsync(null, new("scale-folder", DestinationKind.Folder, cluster.ExportFolder, null, null, null, null, false), Actor.System)).Id);
        // Big enough (600 instances, ~30 MB) that building its archive takes a while, so A dies with the task under way.
        var study = TestDicom.Study(TestDicom.Patient("TAKE01", "Takeover^Tina"), "US", instances: 600, frames: 200);
        await TestDicom.SendAsync(study, cluster.Orthanc.DicomPort, cluster.Orthanc.Aet);
        var studyId = (await cluster.Orthanc.GetJsonAsync("studies")).AsArray().Single()!.GetValue<string>();

        var a = await cluster.StartProcessAsync();
        var b = await cluster.StartHostAsync();
        var page = await browser.SignedInPageAsync(b, ScaleOutCluster.Admin, ScaleOutCluster.Password);
        await page.GotoAsync("tasks");
        await BrowserFixture.WaitForInteractiveAsync(page);

        using var onA = await PortalHost.SignInAsync(a.Url, ScaleOutCluster.Admin, ScaleOutCluster.Password);
        (await onA.PostAsJsonAsync("api/baskets/Export", new { Items = new[] { new { Level = "Study", OrthancId = studyId } } })).EnsureSuccessStatusCode();
        var started = await (await onA.PostAsJsonAsync("api/baskets/export/run",
            new { Target = new { Kind = "Destination", DestinationId = destinationId, Format = "Zip" }, ArchiveName = "takeover" })).EnsureSuccessStatusCode()
            .Content.ReadFromJsonAsync<JsonObject>();
        var taskId = started!["taskId"]!.GetValue<long>();

        // B's page learns of A's task and of its progress only through the fan-out: it is never reloaded. A reports
        // progress while it builds the archive; once B's page shows A's progress text, A is killed in the middle of it.
        var row = page.Locator("[data-test=tasks] tbody tr").Filter(new() { Has = page.Locator($"[data-task-id='{taskId}']") });
        var deadline = Stopwatch.StartNew();
        // Polled in the page itself (every animation frame), so A is killed the moment B shows its progress.
        var shown = await page.WaitForFunctionAsync(
            "id => document.querySelector(`[data-test=tasks] span[data-task-id='${id}']`)?.closest('tr')?.querySelector('[data-test=task-progress-text]')?.textContent ?? null",
            taskId, new() { Timeout = 90_000, PollingInterval = null });
        await a.KillAsync();
        var killed = Stopwatch.StartNew();
        var shownOnB = await shown.JsonValueAsync<string>();
        var atKill = await TaskAsync(taskId);
        Console.WriteLine($"[scaleout] B's page showed A's progress '{shownOnB}' {deadline.Elapsed.TotalSeconds:F1} s after the export started; A killed then, at {atKill!.Progress:P0} ('{atKill.ProgressText}')");
        ScaleOutCluster.IsProcess(atKill.Node, a).ShouldBeTrue("A runs the task it was given");
        atKill.State.ShouldBe(PortalTaskState.Running, "A died in the middle of the export");
        atKill.Progress.ShouldBeLessThan(1, "A died before it had sent the whole archive");
        await Assertions.Expect(row.Locator("[data-test=task-state]")).ToHaveAttributeAsync("data-state", "Running");

        // B takes the task over once A's heartbeat is older than the node timeout, and finishes it.
        await Assertions.Expect(row.Locator("[data-test=task-state]")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = 120_000 });
        await Assertions.Expect(row.Locator("[data-test=task-progress]")).ToHaveAttributeAsync("data-value", "100");
        Console.WriteLine($"[scaleout] the export finished on B {killed.Elapsed.TotalSeconds:F1} s after A was killed");
        var done = await TaskAsync(taskId);
        done!.Node.ShouldBe(b.GetRequiredService<PortalNode>().Id);
        done.Attempts.ShouldBe(2, "one attempt on A, one on B");
        var zip = Path.Combine(cluster.ExportFolder, "takeover.zip");
        File.Exists(zip).ShouldBeTrue();
        using (var archive = System.IO.Compression.ZipFile.OpenRead(zip))
        {
            archive.Entries.Count(e => e.Length > 0).ShouldBe(600);
        }
        await PageChecks.AssertPageAsync(page, "scaleout-tasks");
    }

    private async Task<PortalTask?> TaskAsync(long id)
    {
        await using var db = cluster.OpenDatabase();
        return await db.Set<PortalTask>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == id);
    }
}
