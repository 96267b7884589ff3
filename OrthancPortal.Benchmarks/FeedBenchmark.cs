using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Dicom;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Benchmarks;

/// <summary>
/// The change feed under a burst: N single-image studies are POSTed to Orthanc at once (8 in parallel) while the
/// portal runs with its own subscribers (automation, GDT, burner) and three counting ones. Checks that every
/// counting subscriber saw each study exactly once, and prints the time from the last arrival to the last
/// subscriber done, beside the goal (StableAge + 10 s). The correctness part at a small size is in the test suite
/// (ChangeFeedTests); the timing lives only here.
/// </summary>
public static class FeedBenchmark
{
    private sealed class CountingSubscriber(string name, Stopwatch clock) : IChangeSubscriber
    {
        public string Name => name;
        /// <summary>Study id → how many times it was delivered.</summary>
        public ConcurrentDictionary<string, int> Seen { get; } = new();
        public long LastHandledTicks;
        public bool Wants(OrthancChange change) => change.ChangeType == ChangeTypes.StableStudy;

        public Task HandleAsync(OrthancChange change, CancellationToken ct)
        {
            Seen.AddOrUpdate(change.ID, 1, (_, n) => n + 1);
            Interlocked.Exchange(ref LastHandledTicks, clock.ElapsedTicks);
            return Task.CompletedTask;
        }
    }

    public static async Task RunAsync(int count, int stableAge)
    {
        Console.WriteLine($"# Change feed burst: {count:N0} studies at once, StableAge {stableAge} s, 3 counting subscribers beside the portal's own");
        await using var orthanc = await OrthancProcess.StartAsync("FEEDBENCH", stableAgeSeconds: stableAge);
        var clock = Stopwatch.StartNew();
        var subscribers = Enumerable.Range(1, 3).Select(i => new CountingSubscriber($"bench-counter-{i}", clock)).ToList();
        var seen = subscribers.ToDictionary(s => s.Name, s => s.Seen);
        await using var portal = await PortalHost.StartExternalAsync(orthanc, b =>
        {
            foreach (var s in subscribers) b.Services.AddSingleton<IChangeSubscriber>(s);
        }, new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        // The subscribers' cursors start at "now": one poll before the burst.
        await portal.GetRequiredService<ChangeFeedReader>().PollOnceAsync(CancellationToken.None);

        var files = Enumerable.Range(0, count).Select(i =>
        {
            var study = TestDicom.Study(TestDicom.Patient($"F{i:D6}", $"Feed^{i}"), "CT", instances: 1);
            var series = study.Series[0];
            var sop = DicomFileWriter.NewUid();
            return DicomFileWriter.Write(TestDicom.Instance(study, series, 1, sop), series.SopClassUid, sop);
        }).ToList();
        var start = clock.Elapsed;
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (file, ct) =>
        {
            using var content = new ByteArrayContent(file);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            using var response = await orthanc.Http.PostAsync("instances", content, ct);
            response.EnsureSuccessStatusCode();
        });
        var lastArrival = clock.Elapsed;
        Console.WriteLine($"{count:N0} studies stored in {(lastArrival - start).TotalSeconds:N1} s ({count / (lastArrival - start).TotalSeconds:N0}/s; load avg {ContentBenchmark.LoadAverage()})");

        var deadline = lastArrival + TimeSpan.FromSeconds(stableAge + 300);
        while (clock.Elapsed < deadline && seen.Values.Any(s => s.Count < count)) await Task.Delay(100);
        var done = subscribers.Max(s => TimeSpan.FromTicks(Interlocked.Read(ref s.LastHandledTicks) * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
        // A few more polls: nothing may come twice.
        await portal.WaitForChangeFeedAsync();

        var studies = (await orthanc.GetJsonAsync("studies")).AsArray().Select(n => n!.GetValue<string>()).ToHashSet();
        var failures = new List<string>();
        foreach (var (name, counts) in seen)
        {
            var missing = studies.Count(id => !counts.ContainsKey(id));
            var twice = counts.Count(c => c.Value > 1);
            var foreign = counts.Keys.Count(id => !studies.Contains(id));
            Console.WriteLine($"{name}: {counts.Count:N0} studies seen, {missing} missing, {twice} seen more than once, {foreign} unknown");
            if (missing + twice + foreign > 0) failures.Add(name);
        }
        var lag = done - lastArrival;
        Console.WriteLine();
        Console.WriteLine("| studies | last arrival → last subscriber done | goal (StableAge + 10 s) | met | load avg |");
        Console.WriteLine("|---|---|---|---|---|");
        Console.WriteLine($"| {count:N0} | {lag.TotalSeconds:N1} s | {stableAge + 10} s | {(lag.TotalSeconds <= stableAge + 10 ? "yes" : "no")} | {ContentBenchmark.LoadAverage()} |");
        if (failures.Count > 0) throw new InvalidOperationException($"Not every study reached {string.Join(", ", failures)} exactly once.");
        Console.WriteLine("Every subscriber saw each study exactly once.");
    }
}
