using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.QueryRetrieve;
using OrthancPortal.Features.Robots;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Benchmarks.Robots;

/// <summary>
/// Robot throughput against a remote-PACS Orthanc holding N small studies: first a plain loop of Orthanc
/// query + synchronous retrieve calls (the baseline), then the robot at concurrency 1 and 4. The local
/// Orthanc is emptied between runs, and the three sequential ways take turns on quarters of the studies. Validation is not timed: it happens before approval. The portal runs with the
/// product's default settings but a short dispatch tick (the first item of a run waits for nothing), so the figures
/// are what a clinic gets. After each run the local Orthanc's move jobs (their creation and completion times have
/// microseconds) split the run into time inside Orthanc's moves and time between one move's end and the next one's
/// start; for the robot at concurrency 1 the portal's own spans (<see cref="RobotActivities"/>) split the latter further.
/// </summary>
public static class RobotBenchmark
{
    private static readonly RobotUser Admin = new("bench-admin", "bench", IsAdmin: true, CanAutoRetrieve: true);

    private const string LocalAet = "PORTALPACS", RemoteAet = "REMOTEPACS", Remote = "remote";

    private static int robotCount;

    public static async Task RunAsync(int count)
    {
        // Orthanc keeps only the last 10 finished jobs by default: keep a whole run's moves for the split.
        await using var local = await OrthancProcess.StartAsync(LocalAet, configure: c => c["JobsHistorySize"] = count * 2 + 10);
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
        };
        await using var portal = await PortalHost.StartExternalAsync(local, extra: settings);
        using var spans = new SpanRecorder();

        // The three sequential ways take turns on quarters of the studies, so that the load of a shared machine,
        // which changes by the minute, weighs on each alike; the ratios are over all rounds.
        const string Plain = "plain loop (query + synchronous retrieve)", Polled = "plain loop, asynchronous retrieve polled", Robot1 = "robot, concurrency 1";
        var runs = new Dictionary<string, Run> { [Plain] = new(), [Polled] = new(), [Robot1] = new() };
        var seen = new HashSet<string>();
        var rounds = Math.Min(4, count);
        var splits = new List<Split>();
        var dispatches = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var part = studies.Skip(round * count / rounds).Take((round + 1) * count / rounds - round * count / rounds).ToList();
            await local.ClearAsync();
            runs[Plain].Add(await PlainLoopAsync(local, part, synchronous: true), await NewMovesAsync(local, seen));
            // The same loop with the robot's way of moving: an asynchronous job, followed with the product's polling.
            // Its difference to the synchronous loop is what not being told of a job's end costs; the robot's to it, the robot's own work.
            await local.ClearAsync();
            runs[Polled].Add(await PlainLoopAsync(local, part, synchronous: false), await NewMovesAsync(local, seen));
            await local.ClearAsync();
            spans.Clear();
            var elapsed = await RobotRunAsync(portal, part, 1);
            var moves = await NewMovesAsync(local, seen);
            runs[Robot1].Add(elapsed, moves);
            var recorded = spans.Take();
            splits.AddRange(RobotSplit(recorded, moves));
            dispatches.AddRange(recorded.Where(s => s.OperationName == RobotActivities.Dispatch).Select(s => s.Duration.TotalMilliseconds));
            Console.WriteLine($"round {round + 1}/{rounds}: {part.Count} studies, robot at concurrency 1 {runs[Plain].Last / elapsed * 100:0} % of the plain loop, load avg {ContentBenchmark.LoadAverage()}");
        }
        await local.ClearAsync();
        var four = await RobotRunAsync(portal, studies, 4);

        var baseline = runs[Plain].Elapsed;
        Console.WriteLine();
        Console.WriteLine($"{count} studies, {Environment.ProcessorCount} cores, load avg {ContentBenchmark.LoadAverage()} (goal: concurrency 1 >= 95 % of the plain loop)");
        foreach (var (name, elapsed) in runs.Select(r => (r.Key, r.Value.Elapsed)).Append(("robot, concurrency 4", four)))
        {
            Console.WriteLine($"{name,-45} {elapsed.TotalSeconds,7:0.0} s  {count / elapsed.TotalMinutes,7:0.0} studies/min  {baseline / elapsed * 100,5:0}% of the plain loop");
        }
        Console.WriteLine();
        Console.WriteLine("Per study, in ms (Orthanc's move jobs: inside = creation to completion; between = one move's completion to the next one's creation):");
        foreach (var (name, run) in runs)
        {
            Console.WriteLine($"  {name,-45} total {run.Elapsed.TotalMilliseconds / count,6:0.0}  inside {run.Inside.DefaultIfEmpty().Average(),6:0.0}  between {run.Between.DefaultIfEmpty().Average(),6:0.0}  ({run.Inside.Count} moves)");
        }
        if (splits.Count == 0) return;
        Console.WriteLine($"  robot, concurrency 1, between two moves: {splits.Average(r => r.Notice + r.Handoff + r.ToMove):0.0} ms, of it");
        Console.WriteLine($"    poll: seeing the move ended      {splits.Average(r => r.Notice),6:0.0}");
        Console.WriteLine($"    slot freed to next item's job    {splits.Average(r => r.Handoff),6:0.0}  (a dispatch pass takes {dispatches.DefaultIfEmpty().Average():0.0})");
        Console.WriteLine($"    next item to its move's start    {splits.Average(r => r.ToMove),6:0.0}  (item read, C-FIND + answers, origin, move request)");
        Console.WriteLine($"    beside these: local study lookup {splits.Average(r => r.Lookup):0.0}, writing the outcome {splits.Average(r => r.Record):0.0}");
    }

    /// <summary>The rounds of one way of retrieving: their time, and per move its time inside Orthanc and the gap before it.</summary>
    private sealed class Run
    {
        public TimeSpan Elapsed { get; private set; }
        public TimeSpan Last { get; private set; }
        public List<double> Inside { get; } = [];
        public List<double> Between { get; } = [];

        public void Add(TimeSpan elapsed, IReadOnlyList<Move> moves)
        {
            (Elapsed, Last) = (Elapsed + elapsed, elapsed);
            Inside.AddRange(moves.Select(m => (m.Completed - m.Created).TotalMilliseconds));
            Between.AddRange(moves.Zip(moves.Skip(1), (a, b) => (b.Created - a.Completed).TotalMilliseconds));
        }
    }

    private sealed record Split(double Notice, double Handoff, double ToMove, double Lookup, double Record);

    /// <summary>
    /// The robot's time between two moves, in the order it is spent: the rest of the poll until the portal sees the
    /// move ended (and frees its slot), the slot's way to the next item's Quartz job (a dispatch pass in it), and that
    /// item's way to its move (item read, C-FIND, origin, move request). The first item's local study lookup and
    /// outcome write run beside the second's start; they are printed too.
    /// </summary>
    private static List<Split> RobotSplit(IReadOnlyList<Activity> spans, IReadOnlyList<Move> moves)
    {
        var byJob = moves.ToDictionary(m => m.Id);
        var items = spans.Where(s => s.OperationName == RobotActivities.Item).OrderBy(s => s.StartTimeUtc).ToList();
        var rows = new List<Split>();
        for (var n = 0; n < items.Count - 1; n++)
        {
            var (item, next) = (items[n], items[n + 1]);
            if (Child(spans, item, RobotActivities.Start)?.GetTagItem(RobotActivities.JobTag) is not string job || !byJob.TryGetValue(job, out var move)) continue;
            if (Child(spans, next, RobotActivities.Start)?.GetTagItem(RobotActivities.JobTag) is not string nextJob || !byJob.TryGetValue(nextJob, out var nextMove)) continue;
            var follow = Child(spans, item, RobotActivities.Follow);
            var record = Child(spans, item, RobotActivities.Record);
            var ended = follow?.Events.FirstOrDefault(e => e.Name == RobotActivities.MoveEnded);
            if (follow is null || record is null || ended is null) continue;
            var seen = ended.Value.Timestamp.UtcDateTime;
            rows.Add(new Split((seen - move.Completed).TotalMilliseconds,
                (next.StartTimeUtc - seen).TotalMilliseconds,
                (nextMove.Created - next.StartTimeUtc).TotalMilliseconds,
                (End(follow) - seen).TotalMilliseconds,
                record.Duration.TotalMilliseconds));
        }
        return rows;
    }

    private static Activity? Child(IReadOnlyList<Activity> spans, Activity parent, string name)
        => spans.FirstOrDefault(s => s.OperationName == name && s.ParentSpanId == parent.SpanId && s.TraceId == parent.TraceId);

    private static DateTime End(Activity span) => span.StartTimeUtc + span.Duration;

    /// <summary>One of Orthanc's move jobs (times are UTC with microseconds).</summary>
    private sealed record Move(string Id, DateTime Created, DateTime Completed);

    /// <summary>The successful moves Orthanc holds that no earlier run made, in the order they started.</summary>
    private static async Task<IReadOnlyList<Move>> NewMovesAsync(OrthancProcess local, HashSet<string> seen)
    {
        var jobs = (await local.GetJsonAsync("jobs?expand")).AsArray();
        return jobs.Select(j => j!.AsObject())
            .Where(j => (string?)j["Type"] == "DicomMoveScu" && (string?)j["State"] == "Success" && seen.Add((string)j["ID"]!))
            .Select(j => new Move((string)j["ID"]!, OrthancTime((string)j["CreationTime"]!), OrthancTime((string)j["CompletionTime"]!)))
            .OrderBy(m => m.Created).ToList();
    }

    private static DateTime OrthancTime(string value)
        => DateTime.ParseExact(value, "yyyyMMdd'T'HHmmss.FFFFFF", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Keeps the robot's finished spans (the portal runs in this process).</summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ActivityListener listener;
        private readonly List<Activity> spans = [];

        public SpanRecorder()
        {
            listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == RobotActivities.SourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = span => { lock (spans) spans.Add(span); },
            };
            ActivitySource.AddActivityListener(listener);
        }

        public void Clear() { lock (spans) spans.Clear(); }

        public IReadOnlyList<Activity> Take() { lock (spans) return spans.ToList(); }

        public void Dispose() => listener.Dispose();
    }

    private static async Task<TimeSpan> PlainLoopAsync(OrthancProcess local, IReadOnlyList<SyntheticStudy> studies, bool synchronous)
    {
        var http = local.Http;
        var orthanc = new OrthancClient(http);
        var maxPoll = TimeSpan.FromMilliseconds(new QueryRetrieveOptions().JobPollMilliseconds);
        var watch = Stopwatch.StartNew();
        foreach (var study in studies)
        {
            var query = await http.PostAsJsonAsync($"modalities/{Remote}/query",
                new { Level = "Study", Query = new Dictionary<string, string> { ["StudyInstanceUID"] = study.StudyUid } }, OrthancClient.Json);
            var id = (await query.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!["ID"]!.ToString();
            var retrieve = await http.PostAsJsonAsync($"queries/{id}/answers/0/retrieve", new { TargetAet = LocalAet, Synchronous = synchronous }, OrthancClient.Json);
            retrieve.EnsureSuccessStatusCode();
            if (!synchronous) await orthanc.WaitForJobAsync((await retrieve.Content.ReadFromJsonAsync<JsonObject>())!["ID"]!.ToString(), maxPoll: maxPoll);
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
            id = await robots.CreateFromResultsAsync(Admin, $"bench x{concurrency} #{Interlocked.Increment(ref robotCount)}", sources);
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
