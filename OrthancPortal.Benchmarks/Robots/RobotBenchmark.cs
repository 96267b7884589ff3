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

    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length >= 2 && args[0] == "--studies" ? int.Parse(args[1]) : 200;
        await using var orthancs = await OrthancPair.StartAsync(worklists: false);
        Console.WriteLine($"Sending {count} studies (1 instance each) to the remote PACS…");
        var studies = Enumerable.Range(1, count).Select(n => TestDicom.Study(TestDicom.Patient($"B{n:D4}", $"Bench^{n}"), "CT", instances: 1)).ToList();
        await RobotsPortalFixture.SendAllAsync(studies, orthancs.Remote);

        var settings = new Dictionary<string, string?>(RobotsPortalFixture.FastRobots)
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["QueryRetrieve:JobPollMilliseconds"] = "50",
        };
        await using var portal = await PortalHost.StartExternalAsync(orthancs.Local, extra: settings);

        var results = new List<(string Name, TimeSpan Elapsed)>();
        results.Add(("plain loop (query + synchronous retrieve)", await PlainLoopAsync(orthancs, studies)));
        foreach (var concurrency in new[] { 1, 4 })
        {
            await orthancs.Local.ClearAsync();
            results.Add(($"robot, concurrency {concurrency}", await RobotRunAsync(portal, studies, concurrency)));
        }

        var baseline = results[0].Elapsed;
        Console.WriteLine();
        Console.WriteLine($"{count} studies, {Environment.ProcessorCount} cores");
        foreach (var (name, elapsed) in results)
        {
            Console.WriteLine($"{name,-45} {elapsed.TotalSeconds,7:0.0} s  {count / elapsed.TotalMinutes,7:0.0} studies/min  {baseline / elapsed * 100,5:0}% of the plain loop");
        }
        return 0;
    }

    private static async Task<TimeSpan> PlainLoopAsync(OrthancPair orthancs, IReadOnlyList<SyntheticStudy> studies)
    {
        var http = orthancs.Local.Http;
        var watch = Stopwatch.StartNew();
        foreach (var study in studies)
        {
            var query = await http.PostAsJsonAsync($"modalities/{OrthancPair.RemoteModalityName}/query",
                new { Level = "Study", Query = new Dictionary<string, string> { ["StudyInstanceUID"] = study.StudyUid } }, OrthancClient.Json);
            var id = (await query.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!["ID"]!.ToString();
            var retrieve = await http.PostAsJsonAsync($"queries/{id}/answers/0/retrieve", new { TargetAet = OrthancPair.LocalAet, Synchronous = true }, OrthancClient.Json);
            retrieve.EnsureSuccessStatusCode();
        }
        var elapsed = watch.Elapsed;
        var stored = await orthancs.Local.CountAsync("studies");
        if (stored != studies.Count) throw new InvalidOperationException($"The plain loop stored {stored} of {studies.Count} studies.");
        return elapsed;
    }

    private static async Task<TimeSpan> RobotRunAsync(PortalHost portal, IReadOnlyList<SyntheticStudy> studies, int concurrency)
    {
        long id;
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var robots = scope.ServiceProvider.GetRequiredService<RobotService>();
            var sources = studies.Select((s, i) => new RobotItemSource(i + 1, OrthancPair.RemoteModalityName, s.StudyUid, "", s.Patient.PatientId, s.Patient.Name, s.Description)).ToList();
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
