using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Gdt;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Dicom;
using OrthancPortal.Tests.Features.Worklists;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Gdt;

public sealed class GdtNewStudyTests(WorklistFixture fixture) : IClassFixture<WorklistFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_study_sent_by_storescu_yields_exactly_one_gdt_also_across_portal_restarts()
    {
        var study = TestDicom.Study(TestDicom.Patient("GDTP1", "Öztürk^Jürgen"), "US", instances: 1, description: "Abdomen", accession: "ACCGDT01");
        // Sent while the portal is stopped: the change feed catches up when it starts. One poll first, so the GDT cursor exists.
        await fixture.Portal.GetRequiredService<ChangeFeedReader>().PollOnceAsync(CancellationToken.None);
        await fixture.Portal.StopAsync();
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);
        await fixture.Portal.StartAsync();

        var path = Path.Combine(fixture.GdtFolder, "ACCGDT01.gdt");
        await TestEnvironment.WaitUntilAsync(() => OutboxHasAsync("ACCGDT01.gdt"), Wait, "ACCGDT01.gdt in the outbox");
        File.Exists(path).ShouldBeTrue();
        var text = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(path));
        text.ShouldContain("3000GDTP1\r\n");
        text.ShouldContain($"8432{study.Date[6..8]}{study.Date[4..6]}{study.Date[..4]}\r\n");
        text.ShouldContain("8439101500\r\n");
        text.ShouldContain("6228ACCGDT01 / US: Abdomen\r\n");
        text.ShouldContain("8410EXTPACS\r\n");
        text.ShouldContain("8411PACS-Datensatz\r\n");
        // Group-readable for the AIS, nothing for other users (the portal's umask 0027).
        (File.GetUnixFileMode(path) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)).ShouldBe((UnixFileMode)0);

        await fixture.Portal.RestartAsync();
        // A second study proves the feed ran past the first one after the restart.
        var second = TestDicom.Study(TestDicom.Patient("GDTP2", "Zweit^Zora"), "CT", instances: 1, accession: "ACCGDT02");
        await TestDicom.SendAsync(second, fixture.Local.DicomPort, fixture.Local.Aet);
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(File.Exists(Path.Combine(fixture.GdtFolder, "ACCGDT02.gdt"))), Wait, "ACCGDT02.gdt");

        fixture.GdtFiles().Count(f => Path.GetFileName(f).StartsWith("ACCGDT01")).ShouldBe(1);
        using var scope = fixture.Portal.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var row = await db.Set<GdtFile>().SingleAsync(f => f.Accession == "ACCGDT01");
        row.WriteCount.ShouldBe(1);
        (await db.Set<AuditEntry>().CountAsync(a => a.Action == "gdt.write" && a.Resource == "ACCGDT01.gdt")).ShouldBe(1);
    }

    [Fact]
    public async Task A_study_without_accession_number_gets_a_stable_fallback_name_and_write_again_keeps_one_file()
    {
        var study = TestDicom.Study(TestDicom.Patient("GDTP3", "Ohne^Nummer"), "MR", instances: 1, accession: "");
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);
        var name = GdtService.FallbackId(study.StudyUid) + ".gdt";
        var path = Path.Combine(fixture.GdtFolder, name);
        // The outbox row is written after the file is in place.
        await TestEnvironment.WaitUntilAsync(() => OutboxHasAsync(name), Wait, name);

        using var scope = fixture.Portal.Services.CreateScope();
        var gdt = scope.ServiceProvider.GetRequiredService<GdtService>();
        var row = (await gdt.ListAsync(100)).Single(f => f.FileName == name);
        File.Delete(path);
        var again = await gdt.WriteNewStudyAsync(row.OrthancStudyId, force: true, Actor.System, CancellationToken.None);

        again!.WriteCount.ShouldBe(2);
        File.Exists(path).ShouldBeTrue();
        fixture.GdtFiles().Count(f => Path.GetFileName(f) == name).ShouldBe(1);
        Encoding.Latin1.GetString(await File.ReadAllBytesAsync(path)).ShouldContain($"8428{GdtService.FallbackId(study.StudyUid)}\r\n");
    }

    private async Task<bool> OutboxHasAsync(string fileName)
    {
        using var scope = fixture.Portal.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<GdtService>().ListAsync(1000)).Any(f => f.FileName == fileName);
    }

    [Fact]
    public async Task An_echo_SR_yields_one_SR_gdt_with_each_measurement_value_and_unit()
    {
        var patient = TestDicom.Patient("GDTECHO", "Herz^Hanna");
        var studyUid = DicomFileWriter.NewUid();
        var sopUid = DicomFileWriter.NewUid();
        var sr = GdtEchoSr.Build(patient, studyUid, "ACCECHO1", sopUid, "2D mode",
        [
            new("29436-3", "Left Ventricle Internal End Diastolic Dimension", "48", "mm"),
            new("29438-9", "Interventricular Septum Thickness", "9.5", "mm"),
            new("10230-1", "Left Ventricular Ejection Fraction", "62", "%"),
        ]);
        await GdtEchoSr.SendAsync(sr, sopUid, fixture.Local.DicomPort, fixture.Local.Aet);

        var name = $"ACCECHO1-sr-{sopUid}.gdt";
        var path = Path.Combine(fixture.GdtFolder, name);
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(File.Exists(path)), Wait, name);
        var lines = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(path)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        string[] Fields(string id) => lines.Where(l => l[3..7] == id).Select(l => l[7..]).ToArray();

        Fields("3000").ShouldBe(["GDTECHO"]);
        Fields("8410").ShouldBe(["EC2DLVIEDD", "EC2DIST", "EC2DLVEF"]);
        Fields("8411").ShouldBe([
            "Left Ventricle Internal End Diastolic Dimension (2D mode)",
            "Interventricular Septum Thickness (2D mode)",
            "Left Ventricular Ejection Fraction (2D mode)"]);
        Fields("8420").ShouldBe(["48", "9.5", "62"]);
        Fields("8421").ShouldBe(["mm", "mm", "%"]);
        Fields("8439").ShouldAllBe(t => t == "102000");
        fixture.GdtFiles().Count(f => Path.GetFileName(f).StartsWith("ACCECHO1-sr-")).ShouldBe(1);
        // The SR's study also gets its new-study file.
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(File.Exists(Path.Combine(fixture.GdtFolder, "ACCECHO1.gdt"))), Wait, "ACCECHO1.gdt");
    }
}
