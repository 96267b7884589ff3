using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Robots;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Benchmarks.Robots;

/// <summary>
/// Robot throughput against a remote-PACS Orthanc holding N small studies: first a plain loop of Orthanc
/// query + synchronous retrieve calls (the baseline), then the robot at concurrency 1 and 4. The local
/// Orthanc is emptied between runs. Validation is not timed: it happens before approval.
/// </summary>
public static class RobotBenchmark
{
    private static readonly RobotUser Admin = new("bench-admin", "bench", IsAdmin: true, CanAutoRetrieve: true);

    private const string LocalAet = "PORTALPACS", RemoteAet = "REMOTEPACS", Remote = "remote";

    public static async Task RunAsync(int count)
    {
        await using var local = await OrthancProcess.StartAsync(LocalAet);
        await using var remote = await OrthancProcess.StartAsync(RemoteAet);
        await local.AddModalityAsync(Remote, RemoteAet, remote.DicomPort);
        await remote.AddModalityAsync("portal", LocalAet, local.DicomPort);
        Console.WriteLine($"Sending {count} studies (1 instance each) to the remote PACS…");
        var studies = Enumerable.Range(1, count).Select(n => TestDicom.Study(TestDicom.Patient($"B{n:D4}", $"Bench^{n}"), "CT", instances: 1)).ToList();
        var folder = TestEnvironment.NewTempFolder("bench-robots");
        foreach (var study in studies) TestDicom.WriteFiles(study, Path.Combine(folder, study.Accession));
        await StoreScu.SendAsync(folder, remote.DicomPort, RemoteAet);
        TestEnvironment.DeleteQuietly(folder);

        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Robots:TickSeconds"] = "0.5",
            ["QueryRetrieve:JobPollMilliseconds"] = "50",
        };
        await using var portal = await PortalHost.StartExternalAsync(local, extra: settings);

        var results = new List<(string Name, TimeSpan Elapsed)>();
        results.Add(("plain loop (query + synchronous retrieve)", await PlainLoopAsync(local, studies)));
        foreach (var concurrency in new[] { 1, 4 })
        {
            await local.ClearAsync();
            results.Add(($"robot, concurrency {concurrency}", await RobotRunAsync(portal, studies, concurrency)));
        }

        var baseline = results[0].Elapsed;
        Console.WriteLine();
        Console.WriteLine($"{count} studies, {Environment.ProcessorCount} cores, load avg {ContentBenchmark.LoadAverage()} (goal: concurrency 1 >= 95 % of the plain loop)");
        foreach (var (name, elapsed) in results)
        {
            Console.WriteLine($"{name,-45} {elapsed.TotalSeconds,7:0.0} s  {count / elapsed.TotalMinutes,7:0.0} studies/min  {baseline / elapsed * 100,5:0}% of the plain loop");
        }
    }

    private static async Task<TimeSpan> PlainLoopAsync(OrthancProcess local, IReadOnlyList<SyntheticStudy> studies)
    {
        var http = local.Http;
        var watch = Stopwatch.StartNew();
        foreach (var study in studies)
        {
            var query = await http.PostAsJsonAsync($"modalities/{Remote}/query",
                new { Level = "Study", Query = new Dictionary<string, string> { ["StudyInstanceUID"] = study.StudyUid } }, OrthancClient.Json);
            var id = (await query.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!["ID"]!.ToString();
            var retrieve = await http.PostAsJsonAsync($"queries/{id}/answers/0/retrieve", new { TargetAet = LocalAet, Synchronous = true }, OrthancClient.Json);
            retrieve.EnsureSuccessStatusCode();
        }
        var elapsed = watch.Elapsed;
        var stored = await local.CountAsync("studies");
        if (stored != studies.Count) throw new InvalidOperationException($"The plain loop stored {stored} of {studies.Count} studies.");
        return elapsed;
    }

    private static async Task<TimeSpan> RobotRunAsync(PortalHost portal, IReadOnlyList<SyntheticStudy> studies, int concurrency)
    {
        long id;
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var robots = scope.ServiceProvider.GetRequiredService<RobotService>();
            var sources = studies.Select((s, i) => new RobotItemSource(i + 1, Remote, s.StudyUid, "", s.Patient.PatientId, s.Patient.Name, s.Description)).ToList();
            id = await robots.CreateFromResultsAsync(Admin, $"bench x{concurrency}", sources);
        }
        await WaitForAsync(portal, id, RobotStatus.AwaitingApproval);
        var watch = Stopwatch.StartNew();
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<RobotService>().ApproveAsync(Admin, id, ScheduleWindow.Always, concurrency);
        }
        await WaitForAsync(portal, id, RobotStatus.Completed);
        var elapsed = watch.Elapsed;
        var factory = portal.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var retrieved = await db.Set<RobotItem>().CountAsync(i => i.RobotId == id && i.State == ItemState.Retrieved);
        if (retrieved != studies.Count) throw new InvalidOperationException($"The robot retrieved {retrieved} of {studies.Count} studies.");
        return elapsed;
    }

    private static async Task WaitForAsync(PortalHost portal, long id, RobotStatus status)
    {
        var factory = portal.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var deadline = DateTime.UtcNow.AddMinutes(30);
        while (DateTime.UtcNow < deadline)
        {
            await using var db = await factory.CreateDbContextAsync();
            if (await db.Set<Robot>().AnyAsync(r => r.Id == id && r.Status == status)) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Robot {id} did not reach {status}.");
    }
}
