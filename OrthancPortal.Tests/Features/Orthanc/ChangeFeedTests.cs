using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Orthanc;

/// <param name="database">The portal database's engine; null: the run's default.</param>
public abstract class ChangeFeedTests(PortalDatabase? database)
{
    /// <summary>Records every StableStudy it is handed.</summary>
    private sealed class RecordingSubscriber(ConcurrentQueue<string> seen, string name = "test-recorder") : IChangeSubscriber
    {
        public string Name => name;
        public bool Wants(OrthancChange change) => change.ChangeType == ChangeTypes.StableStudy;
        public Task HandleAsync(OrthancChange change, CancellationToken ct)
        {
            seen.Enqueue(change.ID);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Studies_that_arrive_while_the_portal_is_stopped_are_delivered_once_after_it_starts()
    {
        var seen = new ConcurrentQueue<string>();
        await using var orthanc = await OrthancProcess.StartAsync("FEEDTEST", stableAgeSeconds: 1);
        await using var portal = await PortalHost.StartExternalAsync(orthanc, b => b.Services.AddScoped<IChangeSubscriber>(_ => new RecordingSubscriber(seen)), database: database);
        // The subscriber's cursor exists once the reader has polled.
        var reader = portal.GetRequiredService<ChangeFeedReader>();
        await reader.PollOnceAsync(CancellationToken.None);
        await portal.StopAsync();

        var studies = TestDicom.StandardSet("FEED");
        foreach (var study in studies) await TestDicom.SendAsync(study, orthanc.DicomPort, orthanc.Aet);
        await TestEnvironment.WaitUntilAsync(async () => (await orthanc.GetJsonAsync("changes?since=0&limit=1000"))["Changes"]!.AsArray()
            .Count(c => c!["ChangeType"]!.GetValue<string>() == "StableStudy") == 3, TimeSpan.FromSeconds(30), "Orthanc marks 3 studies stable");
        seen.ShouldBeEmpty();

        await portal.StartAsync();
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(seen.Count >= 3), TimeSpan.FromSeconds(20), "3 deliveries");
        // More polls, and a restart: nothing may come twice.
        await portal.WaitForChangeFeedAsync();
        await portal.RestartAsync();
        await portal.WaitForChangeFeedAsync();

        seen.Count.ShouldBe(3);
        seen.Distinct().Count().ShouldBe(3);
        var orthancStudyIds = (await orthanc.GetJsonAsync("studies")).AsArray().Select(n => n!.GetValue<string>()).Order();
        seen.Order().ShouldBe(orthancStudyIds);
    }

    [Fact]
    public async Task A_burst_of_100_studies_reaches_every_subscriber_exactly_once()
    {
        const int count = 100;
        var first = new ConcurrentQueue<string>();
        var second = new ConcurrentQueue<string>();
        await using var orthanc = await OrthancProcess.StartAsync("FEEDBURST", stableAgeSeconds: 1);
        await using var portal = await PortalHost.StartExternalAsync(orthanc, b =>
        {
            b.Services.AddScoped<IChangeSubscriber>(_ => new RecordingSubscriber(first, "test-burst-1"));
            b.Services.AddScoped<IChangeSubscriber>(_ => new RecordingSubscriber(second, "test-burst-2"));
        }, new Dictionary<string, string?> { ["ChangeFeed:PollSeconds"] = "0.2", ["ChangeFeed:BatchSize"] = "50" });
        await portal.GetRequiredService<ChangeFeedReader>().PollOnceAsync(CancellationToken.None);

        // All at once, several in parallel: the changes of different studies interleave in Orthanc's log and span
        // several batches of the feed.
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var study = TestDicom.Study(TestDicom.Patient($"BURST{i:D3}", $"Burst^{i}"), "CT", instances: 1);
            var series = study.Series[0];
            var sop = OrthancPortal.Infrastructure.Dicom.DicomFileWriter.NewUid();
            var file = OrthancPortal.Infrastructure.Dicom.DicomFileWriter.Write(TestDicom.Instance(study, series, 1, sop), series.SopClassUid, sop);
            using var content = new ByteArrayContent(file);
            using var response = await orthanc.Http.PostAsync("instances", content, ct);
            response.EnsureSuccessStatusCode();
        });
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(first.Count >= count && second.Count >= count), TimeSpan.FromSeconds(90), "every study at both subscribers");
        // Further polls (and a restart) bring nothing twice.
        await portal.WaitForChangeFeedAsync();
        await portal.RestartAsync();
        await portal.WaitForChangeFeedAsync();

        var studies = (await orthanc.GetJsonAsync("studies")).AsArray().Select(n => n!.GetValue<string>()).Order().ToList();
        studies.Count.ShouldBe(count);
        first.Order().ShouldBe(studies);
        second.Order().ShouldBe(studies);
    }

    [Fact]
    public async Task A_failing_subscriber_is_retried_and_does_not_block_the_others()
    {
        var good = new ConcurrentQueue<string>();
        var attempts = 0;
        await using var orthanc = await OrthancProcess.StartAsync("FEEDFAIL", stableAgeSeconds: 1);
        await using var portal = await PortalHost.StartExternalAsync(orthanc, b =>
        {
            b.Services.AddScoped<IChangeSubscriber>(_ => new RecordingSubscriber(good));
            b.Services.AddScoped<IChangeSubscriber>(_ => new FailingOnce(() => Interlocked.Increment(ref attempts)));
        }, database: database);
        await portal.GetRequiredService<ChangeFeedReader>().PollOnceAsync(CancellationToken.None);

        await TestDicom.SendAsync(TestDicom.Study(TestDicom.Patient("FAIL1", "Fail^One"), "CT", 2), orthanc.DicomPort, orthanc.Aet);
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(good.Count == 1 && Volatile.Read(ref attempts) >= 2), TimeSpan.FromSeconds(30), "delivery and a retry");
        Volatile.Read(ref attempts).ShouldBe(2, "it failed once, then succeeded, and then was left alone");
    }

    private sealed class FailingOnce(Func<int> attempt) : IChangeSubscriber
    {
        public string Name => "test-failing-once";
        public bool Wants(OrthancChange change) => change.ChangeType == ChangeTypes.StableStudy;
        public Task HandleAsync(OrthancChange change, CancellationToken ct)
            => attempt() == 1 ? throw new InvalidOperationException("first try fails") : Task.CompletedTask;
    }

    /// <summary>These tests on the portal's default database.</summary>
    public sealed class OnSqlite() : ChangeFeedTests(null);

    /// <summary>The same tests with the portal's database on PostgreSQL.</summary>
    public sealed class OnPostgres() : ChangeFeedTests(PortalDatabase.Postgres);
}
