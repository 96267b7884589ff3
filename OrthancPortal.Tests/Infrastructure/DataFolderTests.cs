using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Export;
using OrthancPortal.Features.Import;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Infrastructure;

/// <summary>
/// The built portal copied into a temp folder and run as its own process from another working directory, configured
/// only by Portal__DataFolder (and its URL). After an import of a zip, an export, a modify task and an automation run,
/// nothing new may exist in that folder tree outside the data folder: not in the working directory, not next to the
/// binaries, not in the temp directory it was given.
/// </summary>
public sealed class DataFolderTests : IAsyncLifetime
{
    private const string Admin = "dfadmin";
    private const string Password = PortalFixture.Password;
    private const string RuleId = "df-rule";

    private readonly string root = TestEnvironment.NewTempFolder("datafolder");
    private OrthancProcess orthanc = default!;
    private PortalProcess? portal;

    private string Bin => Path.Combine(root, "bin");
    private string WorkingDirectory => Path.Combine(root, "cwd");
    private string Data => Path.Combine(root, "data");
    private string Temp => Path.Combine(root, "tmp");
    /// <summary>The export's destination: the one place outside the data folder the portal was asked to write to.</summary>
    private string Exported => Path.Combine(root, "exported");

    public async Task InitializeAsync() => orthanc = await OrthancProcess.StartAsync("DFPACS");

    [Fact]
    public async Task The_app_started_elsewhere_writes_only_under_its_data_folder()
    {
        foreach (var folder in new[] { WorkingDirectory, Data, Temp, Exported }) Directory.CreateDirectory(folder);
        await TestEnvironment.RunAsync("cp", ["-a", PortalProcess.BuildOutput() + "/.", Bin]);
        var destinationId = await SeedAsync();
        var before = Snapshot();

        portal = new PortalProcess(Data, executableFolder: Bin, workingDirectory: WorkingDirectory, tempFolder: Temp);
        var url = portal.Url;
        await portal.StartAsync();
        using var admin = await PortalHost.SignInAsync(url, Admin, Password);

        // 1. Import a zip of two instances.
        var files = ContentTestData.Files(TestDicom.Study(TestDicom.Patient("DFPAT1", "Folder^Dora"), "CT", instances: 2));
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < files.Count; i++) { await using var s = archive.CreateEntry($"study/{i}.dcm").Open(); await s.WriteAsync(files[i]); }
        }
        var import = new HttpRequestMessage(HttpMethod.Post, "api/import/file") { Content = new ByteArrayContent(zip.ToArray()) };
        import.Headers.Add(ImportEndpoints.FileNameHeader, "study.zip");
        var imported = (await (await admin.SendAsync(import)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonArray>())!;
        imported.Select(r => r!["status"]!.GetValue<string>()).ShouldBe(["Stored", "Stored"]);
        var studyId = imported[0]!["studyId"]!.GetValue<string>();

        // 2. Export it as a zip to a folder destination (built in the portal's export work folder first).
        (await admin.PostAsJsonAsync("api/baskets/Export", new { Items = new[] { new { Level = "Study", OrthancId = studyId } } })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("api/baskets/export/run", new { Target = new { Kind = "Destination", DestinationId = destinationId, Format = "Zip" }, ArchiveName = "df-export" }))
            .EnsureSuccessStatusCode();
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(File.Exists(Path.Combine(Exported, "df-export.zip"))), TimeSpan.FromSeconds(60), "the export arrives");

        // 3. Modify a tag keeping the UIDs: the copies go through the portal's modify spool.
        (await admin.PostAsJsonAsync($"api/content/studies/{studyId}/modify", new { Changes = new Dictionary<string, string> { ["StudyDescription"] = "Changed in place" }, KeepUids = true }))
            .EnsureSuccessStatusCode();
        await TestEnvironment.WaitUntilAsync(async () => (await orthanc.GetJsonAsync($"studies/{studyId}"))["MainDicomTags"]?["StudyDescription"]?.GetValue<string>() == "Changed in place",
            TimeSpan.FromSeconds(60), "the modify task finishes");

        // 4. Run the rule from the default rules folder on the study: it downloads into the default output folder.
        (await admin.PostAsync($"api/automation/studies/{studyId}/run-again?rule=file:{RuleId}", null)).EnsureSuccessStatusCode();
        await TestEnvironment.WaitUntilAsync(async () => (await admin.GetFromJsonAsync<JsonArray>("api/automation/runs"))!
            .Any(r => r!["outputPath"]?.GetValue<string>() is { } path && r["error"] is null && Directory.Exists(path)), TimeSpan.FromSeconds(60), "the automation run finishes");
        var output = (await admin.GetFromJsonAsync<JsonArray>("api/automation/runs"))!.Select(r => r!["outputPath"]?.GetValue<string>()).First(p => p is not null)!;
        output.ShouldStartWith(Path.Combine(Data, "automation", "output") + Path.DirectorySeparatorChar);
        Directory.EnumerateFiles(output, "*.dcm", SearchOption.AllDirectories).Count().ShouldBe(2);

        await portal.StopAsync();
        var added = Snapshot().Except(before).Where(p => p != Path.Combine(Exported, "df-export.zip") && !IsRuntimeSocket(p)).Order().ToList();
        added.ShouldBeEmpty("the portal wrote outside its data folder");
        Directory.EnumerateFiles(Path.Combine(Data, "work"), "*", SearchOption.AllDirectories).ShouldBeEmpty("spools and export archives are cleaned up");
    }

    /// <summary>Everything in the tree around the data folder (which itself is left out), files and folders alike.</summary>
    private HashSet<string> Snapshot() => Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
        .Where(p => p != Data && !p.StartsWith(Data + Path.DirectorySeparatorChar, StringComparison.Ordinal)).ToHashSet();

    // The .NET runtime's own diagnostics endpoint (dotnet-diagnostic-<pid>-...-socket) in TMPDIR is not the portal's doing.
    private bool IsRuntimeSocket(string path) => Path.GetDirectoryName(path) == Temp && Path.GetFileName(path).StartsWith("dotnet-diagnostic-", StringComparison.Ordinal);

    /// <summary>
    /// Settings only a running portal can make (users, the Orthanc connection, a destination) go in through a portal
    /// in this process on the same data folder, which then stops: the process under test needs no other configuration.
    /// </summary>
    private async Task<long> SeedAsync()
    {
        long destinationId = 0;
        await PortalProcess.SeedAsync(Data, async services =>
        {
            await PortalProcess.CreateAdminAsync(services, Admin, Password);
            await PortalProcess.ConnectOrthancAsync(services, orthanc);
            destinationId = (await services.GetRequiredService<DestinationStore>()
                .SaveAsync(null, new("df-folder", DestinationKind.Folder, Exported, null, null, null, null, false), Actor.System)).Id;
        });
        var rules = Directory.CreateDirectory(Path.Combine(Data, "automation", "rules")).FullName;
        await File.WriteAllTextAsync(Path.Combine(rules, RuleId + ".json"), """
            { "CheckOn": "Study", "IsActive": true, "Tags": [ { "TagName": "PatientID", "Level": "Patient", "Value": "DFPAT" } ], "Action": "DOWNLOAD" }
            """);
        return destinationId;
    }

    public async Task DisposeAsync()
    {
        if (portal is not null) await portal.DisposeAsync();
        await orthanc.DisposeAsync();
        TestEnvironment.DeleteQuietly(root);
    }
}
