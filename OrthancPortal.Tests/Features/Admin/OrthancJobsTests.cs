using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Admin;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Live;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Admin;

public sealed class OrthancJobsTests : IAsyncLifetime
{
    private OrthancProcess orthanc = default!;
    private PortalHost portal = default!;

    public async Task InitializeAsync()
    {
        // One job at a time, and a long DICOM timeout: a store to a peer that never answers holds the engine,
        // so the archives queued behind it wait in Pending where they can be paused and cancelled.
        orthanc = await OrthancProcess.StartAsync("JOBSPACS", configure: c =>
        {
            c["ConcurrentJobs"] = 1;
            c["DicomScuTimeout"] = 120;
        });
        portal = await PortalHost.StartExternalAsync(orthanc);
        await portal.CreateUserAsync("jobadmin", PortalFixture.Password, OrthancPortal.Features.Access.Roles.Admin);
    }

    [Fact]
    public async Task An_admin_pauses_and_resumes_an_archive_job_and_cancels_another_each_audited_and_pushed_live()
    {
        var study = TestDicom.Study(TestDicom.Patient("JOB1", "Jobs^Patient"), "CT", instances: 40);
        var folder = TestEnvironment.NewTempFolder("jobs-dicom");
        await TestEnvironment.RunAsync("storescu", ["-aec", orthanc.Aet, "127.0.0.1", orthanc.DicomPort.ToString(), .. TestDicom.WriteFiles(study, folder)]);
        var studyId = (await orthanc.GetJsonAsync("studies")).AsArray().Single()!.GetValue<string>();

        using var silentPeer = new TcpListener(IPAddress.Loopback, 0);
        silentPeer.Start();
        var accepted = silentPeer.AcceptTcpClientAsync();
        await orthanc.AddModalityAsync("silent", "SILENT", ((IPEndPoint)silentPeer.LocalEndpoint).Port);
        var blocker = await PostJobAsync("modalities/silent/store", new JsonObject { ["Resources"] = new JsonArray(studyId), ["Asynchronous"] = true });
        var archive = await PostJobAsync("tools/create-archive", new JsonObject { ["Resources"] = new JsonArray(studyId), ["Asynchronous"] = true });
        var doomed = await PostJobAsync("tools/create-archive", new JsonObject { ["Resources"] = new JsonArray(studyId), ["Asynchronous"] = true });

        var monitor = portal.GetRequiredService<OrthancJobMonitor>();
        var paused = new TaskCompletionSource<OrthancJobsSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = portal.GetRequiredService<LiveNotifier>().Subscribe<OrthancJobsSnapshot>(s =>
        {
            if (s.Jobs.Any(j => j.ID == archive && j.State == "Paused")) paused.TrySetResult(s);
            return Task.CompletedTask;
        });
        using var watch = monitor.Watch();

        await using (var scope = AsAdmin())
        {
            var jobs = scope.ServiceProvider.GetRequiredService<OrthancJobService>();
            (await jobs.ActAsync(archive, "pause")).ShouldBeNull();
            (await paused.Task.WaitAsync(TimeSpan.FromSeconds(15))).Jobs.Single(j => j.ID == archive).Type.ShouldBe("Archive");
            (await jobs.ActAsync(archive, "resume")).ShouldBeNull();
            (await jobs.ActAsync(doomed, "cancel")).ShouldBeNull();
            (await jobs.ActAsync("0000-not-a-job", "pause")).ShouldNotBeNull();
        }
        await WaitForStateAsync(doomed, "Failure");

        // Let the blocking store fail (the peer hangs up); the resumed archive then runs to the end.
        (await accepted).Dispose();
        silentPeer.Stop();
        await WaitForStateAsync(blocker, "Failure");
        await WaitForStateAsync(archive, "Success");

        using var admin = await portal.SignInAsync("jobadmin", PortalFixture.Password);
        var listed = await admin.GetFromJsonAsync<JsonArray>("api/admin/orthanc/jobs");
        listed!.Select(j => j!["ID"]!.GetValue<string>()).ShouldContain(archive);

        using var db = portal.Services.CreateScope().ServiceProvider.GetRequiredService<PortalDbContext>();
        var audit = db.Set<AuditEntry>().Where(e => e.Action.StartsWith("orthanc.job.")).OrderBy(e => e.Id).ToList();
        audit.Select(e => (e.Action, e.Resource, e.Success, e.UserName)).ShouldBe(
        [
            ("orthanc.job.pause", $"orthanc-job:{archive}", true, "jobadmin"),
            ("orthanc.job.resume", $"orthanc-job:{archive}", true, "jobadmin"),
            ("orthanc.job.cancel", $"orthanc-job:{doomed}", true, "jobadmin"),
            ("orthanc.job.pause", "orthanc-job:0000-not-a-job", false, "jobadmin"),
        ]);
        TestEnvironment.DeleteQuietly(folder);
    }

    /// <summary>A scope acting as the admin, as a Blazor circuit of a signed-in admin would.</summary>
    private AsyncServiceScope AsAdmin()
    {
        var scope = portal.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActorContext>().Principal =
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "jobadmin")], "test"));
        return scope;
    }

    private async Task<string> PostJobAsync(string path, JsonObject body)
    {
        var response = await orthanc.Http.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["ID"]!.GetValue<string>();
    }

    private Task WaitForStateAsync(string job, string state) => TestEnvironment.WaitUntilAsync(
        async () => (await orthanc.GetJsonAsync($"jobs/{job}"))["State"]!.GetValue<string>() == state, TimeSpan.FromSeconds(60), $"job {job} to reach {state}");

    public async Task DisposeAsync()
    {
        if (portal is not null) await portal.DisposeAsync();
        if (orthanc is not null) await orthanc.DisposeAsync();
    }
}
