using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Gdt;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure.Scheduling;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Infrastructure.ScaleOut;

/// <summary>
/// Two portals on one PostgreSQL and one external Orthanc, writing GDT files into one AIS folder: only the holder of the
/// change-feed lease reads the feed, so each study's file is written once; when the holder is killed the other takes
/// the lease over and delivers what comes after, once.
/// </summary>
public sealed class ChangeFeedLeaseTests : IAsyncLifetime
{
    private ScaleOutCluster cluster = default!;

    public async Task InitializeAsync() => cluster = await ScaleOutCluster.StartAsync("LEASEPACS");

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task One_process_reads_the_feed_and_the_lease_moves_when_it_is_killed()
    {
        await cluster.SeedAsync(async host =>
        {
            var settings = host.GetRequiredService<SettingsStore>();
            var gdt = await settings.GetAsync<GdtSettings>();
            gdt.Folder = cluster.AisFolder;
            await settings.SaveAsync(gdt, Actor.System);
        });
        // Every write into the AIS folder is a rename of a temp file into place (AtomicFile): count them per file name.
        var writes = new ConcurrentDictionary<string, int>();
        using var watcher = new FileSystemWatcher(cluster.AisFolder) { IncludeSubdirectories = false, EnableRaisingEvents = true };
        watcher.Renamed += (_, e) => { if (e.Name?.EndsWith(".gdt", StringComparison.Ordinal) == true) writes.AddOrUpdate(e.Name, 1, (_, n) => n + 1); };

        var a = await cluster.StartProcessAsync();
        await TestEnvironment.WaitUntilAsync(async () => ScaleOutCluster.IsProcess((await cluster.LeaseAsync(ChangeFeedReader.LeaseName))?.Holder, a),
            TimeSpan.FromSeconds(60), "process A holds the change-feed lease");
        var b = await cluster.StartHostAsync();
        var bNode = b.GetRequiredService<PortalNode>().Id;

        var first = Enumerable.Range(1, 20).Select(i => TestDicom.Study(TestDicom.Patient($"LEASE{i:D2}", $"Lease^{i}"), "CT", instances: 1)).ToList();
        foreach (var study in first) await TestDicom.SendAsync(study, cluster.Orthanc.DicomPort, cluster.Orthanc.Aet);
        await WaitForGdtFilesAsync(first.Count);
        b.GetRequiredService<ChangeFeedReader>().HoldsLease.ShouldBeFalse("B must not read the feed while A holds the lease");
        ScaleOutCluster.IsProcess((await cluster.LeaseAsync(ChangeFeedReader.LeaseName))?.Holder, a).ShouldBeTrue();

        var killed = Stopwatch.StartNew();
        await a.KillAsync();
        await TestEnvironment.WaitUntilAsync(async () => (await cluster.LeaseAsync(ChangeFeedReader.LeaseName))?.Holder == bNode,
            TimeSpan.FromSeconds(60), "the lease moves to B within a minute of A's death");
        Console.WriteLine($"[scaleout] change-feed lease moved to B {killed.Elapsed.TotalSeconds:F1} s after A was killed");
        b.GetRequiredService<ChangeFeedReader>().HoldsLease.ShouldBeTrue();

        var after = Enumerable.Range(1, 5).Select(i => TestDicom.Study(TestDicom.Patient($"LEASEB{i:D2}", $"After^{i}"), "CT", instances: 1)).ToList();
        foreach (var study in after) await TestDicom.SendAsync(study, cluster.Orthanc.DicomPort, cluster.Orthanc.Aet);
        await WaitForGdtFilesAsync(first.Count + after.Count);
        await b.WaitForChangeFeedAsync(TimeSpan.FromSeconds(60));

        var expected = first.Concat(after).Select(s => s.Accession + ".gdt").Order().ToList();
        Directory.EnumerateFiles(cluster.AisFolder, "*.gdt").Select(f => Path.GetFileName(f)).Order().ToList().ShouldBe(expected);
        await using var db = cluster.OpenDatabase();
        (await db.Set<GdtFile>().Select(f => f.FileName).ToListAsync()).Order().ToList().ShouldBe(expected, "one outbox row per study");
        // The watcher's events come a moment after the renames: give the last ones time to arrive.
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(writes.Count == expected.Count), TimeSpan.FromSeconds(10), "a rename event per file");
        writes.Where(w => w.Value != 1).ShouldBeEmpty("each GDT file is written exactly once");
    }

    private async Task WaitForGdtFilesAsync(int count)
        => await TestEnvironment.WaitUntilAsync(() => Task.FromResult(Directory.EnumerateFiles(cluster.AisFolder, "*.gdt").Count() >= count),
            TimeSpan.FromSeconds(120), $"{count} GDT files in the AIS folder");
}
