using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Robots;
using OrthancPortal.Infrastructure.Scheduling;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Infrastructure.ScaleOut;

/// <summary>
/// Two portals on one PostgreSQL run one robot: only the holder of the robot-dispatch lease starts items, so every
/// study is moved from the remote exactly once (without the lease both would pick the same pending items).
/// </summary>
public sealed class RobotDispatchLeaseTests : IAsyncLifetime
{
    private const string RemoteAet = "SCALEREMOTE";
    private const string RemoteName = "scale-remote";
    private ScaleOutCluster cluster = default!;
    private OrthancProcess remote = default!;

    public async Task InitializeAsync()
    {
        cluster = await ScaleOutCluster.StartAsync("ROBOTPACS");
        remote = await OrthancProcess.StartAsync(RemoteAet, build: OrthancBuild.System);
        await cluster.Orthanc.AddModalityAsync(RemoteName, RemoteAet, remote.DicomPort);
        await remote.AddModalityAsync("scale-portal", cluster.Orthanc.Aet, cluster.Orthanc.DicomPort);
    }

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        await remote.DisposeAsync();
    }

    [Fact]
    public async Task Two_portals_retrieve_each_robot_item_once_because_only_the_lease_holder_dispatches()
    {
        await cluster.SeedAsync();
        var studies = Enumerable.Range(1, 8).Select(n => TestDicom.Study(TestDicom.Patient($"SCR{n:D2}", $"Scale^Robot{n}"), "CT", instances: 2)).ToList();
        await RobotsPortalFixture.SendAllAsync(studies, remote);
        var a = await cluster.StartProcessAsync();
        var b = await cluster.StartHostAsync();

        var owner = new RobotUser("scale-owner", "owner", IsAdmin: false, CanAutoRetrieve: true);
        var admin = new RobotUser("scale-admin", ScaleOutCluster.Admin, IsAdmin: true, CanAutoRetrieve: true);
        var sources = studies.Select((s, i) => new RobotItemSource(i + 1, RemoteName, s.StudyUid, "", s.Patient.PatientId, s.Patient.Name, s.Description)).ToList();
        long id;
        using (var scope = b.Services.CreateScope())
        {
            id = await scope.ServiceProvider.GetRequiredService<RobotService>().CreateFromResultsAsync(owner, "Scale-out", sources);
        }
        await WaitForStatusAsync(id, RobotStatus.AwaitingApproval);
        using (var scope = b.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<RobotService>().ApproveAsync(admin, id, ScheduleWindow.Always, 4);
        }
        await WaitForStatusAsync(id, RobotStatus.Completed, 120);

        var holder = (await cluster.LeaseAsync(RobotRunner.LeaseName))?.Holder;
        (ScaleOutCluster.IsProcess(holder, a) || holder == b.GetRequiredService<PortalNode>().Id).ShouldBeTrue($"one of the two portals holds the lease, not '{holder}'");
        a.IsRunning.ShouldBeTrue("both portals ran for the whole robot");
        await using var db = cluster.OpenDatabase();
        (await db.Set<RobotItem>().Where(i => i.RobotId == id).ToListAsync()).ShouldAllBe(i => i.State == ItemState.Retrieved);
        var jobs = (await cluster.Orthanc.GetJsonAsync("jobs?expand")).AsArray();
        foreach (var study in studies)
        {
            jobs.Count(j => j!["Type"]!.ToString() == "DicomMoveScu" && j["Content"]!.ToJsonString().Contains(study.StudyUid))
                .ShouldBe(1, $"study {study.Patient.PatientId} is moved once, by one portal");
        }
    }

    private async Task WaitForStatusAsync(long id, RobotStatus status, int seconds = 60)
        => await TestEnvironment.WaitUntilAsync(async () =>
        {
            await using var db = cluster.OpenDatabase();
            return await db.Set<Robot>().AnyAsync(r => r.Id == id && r.Status == status);
        }, TimeSpan.FromSeconds(seconds), $"robot {id} {status}");
}
