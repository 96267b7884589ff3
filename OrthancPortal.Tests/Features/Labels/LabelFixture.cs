using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Access;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Labels;

/// <summary>Orthanc with the Web Viewer plugin, plus a role that sees only studies labelled <see cref="Research"/>.</summary>
public class LabelFixture : PortalFixture
{
    public const string Research = "research";
    public const string ResearchRole = "ResearchViewer";
    public const string ResearchUser = "research1";

    protected override Action<JsonObject>? ConfigureLocalOrthanc => AddWebViewer;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Portal.CreateRoleAsync(ResearchRole, Permissions.ViewContent, Permissions.ExportLocal);
        await LimitRoleAsync(Portal, ResearchRole, Research);
        await Portal.CreateUserAsync(ResearchUser, Password, ResearchRole);
    }

    public static async Task LimitRoleAsync(PortalHost portal, string roleName, string labels)
    {
        using var scope = portal.Services.CreateScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<PortalRole>>();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdminService>();
        var role = (await roles.FindByNameAsync(roleName))!;
        (await admin.SetLabelLimitAsync(role.Id, labels)).Succeeded.ShouldBeTrue();
    }

    public static void AddWebViewer(JsonObject config)
    {
        AddPlugin(config, "libOrthancWebViewer.so");
        config["WebViewer"] = new JsonObject { ["CachePath"] = Path.Combine(Path.GetDirectoryName(config["StorageDirectory"]!.GetValue<string>())!, "webviewer-cache") };
    }

    /// <summary>
    /// Adds a plugin from the folder the DICOMweb plugin was taken from. In the trixie tree that is the resolved
    /// lib/orthanc folder, where each file carries its own version ("libOrthancWebViewer.so.2.10").
    /// </summary>
    public static void AddPlugin(JsonObject config, string name)
    {
        var plugins = config["Plugins"]!.AsArray();
        var dicomWeb = plugins.Select(p => p!.GetValue<string>()).First(p => p.Contains("DicomWeb", StringComparison.Ordinal));
        var file = Directory.GetFiles(Path.GetDirectoryName(dicomWeb)!).Where(f => Path.GetFileName(f) == name || Path.GetFileName(f).StartsWith(name + ".", StringComparison.Ordinal))
            .OrderBy(f => f.Length).FirstOrDefault() ?? throw new InvalidOperationException($"No {name} beside {dicomWeb}.");
        plugins.Add(file);
    }

    /// <summary>Stores <paramref name="count"/> one-instance CT studies of one new family name; returns the name and the study ids.</summary>
    public async Task<(string Tag, List<string> Studies)> StoreStudiesAsync(int count)
    {
        var tag = $"LBL{Guid.NewGuid():N}"[..11].ToUpperInvariant();
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await ContentTestData.StoreAsync(Local, TestDicom.Study(TestDicom.Patient($"{tag}-{i}", $"{tag}^{i}"), "CT", instances: 1, date: $"2024010{i + 1}")));
        }
        return (tag, ids);
    }

    /// <summary>What the proxy and pages need of a study: its UIDs and its first series and instance.</summary>
    public async Task<StudyParts> PartsAsync(string studyId)
    {
        var study = await Local.GetJsonAsync($"studies/{studyId}");
        var seriesId = study["Series"]![0]!.GetValue<string>();
        var instance = (await Local.GetJsonAsync($"series/{seriesId}/instances"))[0]!;
        var series = await Local.GetJsonAsync($"series/{seriesId}");
        return new StudyParts(studyId, study["MainDicomTags"]!["StudyInstanceUID"]!.GetValue<string>(), study["ParentPatient"]!.GetValue<string>(),
            seriesId, series["MainDicomTags"]!["SeriesInstanceUID"]!.GetValue<string>(),
            instance["ID"]!.GetValue<string>(), instance["MainDicomTags"]!["SOPInstanceUID"]!.GetValue<string>());
    }
}

public sealed record StudyParts(string StudyId, string StudyUid, string PatientId, string SeriesId, string SeriesUid, string InstanceId, string SopUid);

public sealed class BrowserLabelFixture : LabelFixture
{
    protected override bool UsesBrowser => true;
}

/// <summary>The same role on the system's Orthanc 1.10.1, which has no labels.</summary>
public sealed class LegacyLabelFixture : LegacyOrthancPortalFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Portal.CreateRoleAsync(LabelFixture.ResearchRole, Permissions.ViewContent, Permissions.ExportLocal);
        await LabelFixture.LimitRoleAsync(Portal, LabelFixture.ResearchRole, LabelFixture.Research);
        await Portal.CreateUserAsync(LabelFixture.ResearchUser, Password, LabelFixture.ResearchRole);
    }
}
