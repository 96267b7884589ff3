using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Content;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Content;

/// <summary>The content endpoints through the real portal and a real Orthanc.</summary>
public sealed class ContentApiTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 8)].ToUpperInvariant();

    [Fact]
    public async Task Search_matches_name_wildcards_modalities_and_dates_and_pages_with_next()
    {
        var tag = Unique("SRCH");
        for (var i = 0; i < 3; i++)
        {
            await ContentTestData.StoreAsync(fixture.Local, TestDicom.Study(TestDicom.Patient($"{tag}-{i}", $"{tag}^Anna{i}"), i == 2 ? "MR" : "CT", instances: 1, date: $"2024010{i + 1}"));
        }
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);

        var all = await user.GetFromJsonAsync<JsonObject>($"api/content/studies?patientName={tag}*&pageSize=2");
        all!["rows"]!.AsArray().Count.ShouldBe(2);
        all["hasMore"]!.GetValue<bool>().ShouldBeTrue();
        var second = await user.GetFromJsonAsync<JsonObject>($"api/content/studies?patientName={tag}*&pageSize=2&page=1");
        second!["rows"]!.AsArray().Count.ShouldBe(1);
        second["hasMore"]!.GetValue<bool>().ShouldBeFalse();

        var ranged = await user.GetFromJsonAsync<JsonObject>($"api/content/studies?patientName={tag.ToLowerInvariant()}*&from=2024-01-02&to=2024-01-31");
        ranged!["rows"]!.AsArray().Select(r => r!["studyDate"]!.GetValue<string>()).Order().ShouldBe(["2024-01-02", "2024-01-03"]);
        var mr = await user.GetFromJsonAsync<JsonObject>($"api/content/studies?patientName={tag}*&modalities=MR");
        mr!["rows"]!.AsArray().Single()!["patientId"]!.GetValue<string>().ShouldBe($"{tag}-2");
    }

    [Fact]
    public async Task Bad_search_input_and_missing_resources_get_clear_answers()
    {
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);
        var bad = await user.GetAsync("api/content/studies?from=2024-02-01&to=2024-01-01");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("start date is after the end date");
        var garbage = await user.GetAsync("api/content/studies?patientName=%01%5C");
        garbage.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var missing = await user.DeleteAsync("api/content/studies/0000aaaa-0000aaaa-0000aaaa-0000aaaa-0000aaaa");
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var notAnId = await user.DeleteAsync("api/content/studies/..%2Fsystem");
        notAnId.StatusCode.ShouldBeOneOf(HttpStatusCode.BadRequest, HttpStatusCode.NotFound);
        var page = await user.GetAsync("content/studies/0000aaaa-0000aaaa-0000aaaa-0000aaaa-0000aaaa");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain("data-test=\"load-error\"");
    }

    [Fact]
    public async Task Modifying_a_patient_name_runs_as_a_task_and_changes_it_in_Orthanc()
    {
        var pid = Unique("MOD");
        var studyId = await ContentTestData.StoreAsync(fixture.Local, TestDicom.Study(TestDicom.Patient(pid, "Before^Name"), "CT", instances: 2));
        var patientId = (await ContentTestData.StudyAsync(fixture.Local, studyId))["ParentPatient"]!.GetValue<string>();
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);

        var response = await user.PostAsJsonAsync($"api/content/patients/{patientId}/modify", new { Changes = new Dictionary<string, string> { ["PatientName"] = "After^Name" }, KeepUids = true });
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var taskId = (await response.Content.ReadFromJsonAsync<JsonObject>())!["taskId"]!.GetValue<long>();
        var task = await EventuallyAsync(async () => await fixture.Portal.GetRequiredService<TaskQueue>().GetAsync(taskId) is { FinishedAt: not null } t ? t : null);
        task.Error.ShouldBeNull();
        task.State.ShouldBe(PortalTaskState.Succeeded);

        var lastSeen = "";
        var names = await EventuallyAsync(async () =>
        {
            var found = (await fixture.Local.Http.PostAsJsonAsync("tools/find", new { Level = "Study", Query = new { PatientID = pid }, Expand = true }, OrthancJson));
            var studies = (await found.Content.ReadFromJsonAsync<JsonArray>())!;
            var n = studies.Select(s => s!["PatientMainDicomTags"]!["PatientName"]!.GetValue<string>()).ToList();
            lastSeen = studies.ToJsonString();
            return n.Count == 1 && n[0] == "After^Name" ? n : null;
        }, () => lastSeen);
        names.ShouldBe(["After^Name"], lastSeen);
        var instances = (await fixture.Local.Http.PostAsJsonAsync("tools/find", new { Level = "Instance", Query = new { PatientID = pid } }, OrthancJson));
        (await instances.Content.ReadFromJsonAsync<JsonArray>())!.Count.ShouldBe(2, "the originals are replaced, not kept beside the copies");
        AuditActions().ShouldContain("content.modify");
    }

    [Fact]
    public async Task Modifying_a_study_with_new_UIDs_replaces_it_by_a_study_with_a_new_uid()
    {
        var study = TestDicom.Study(TestDicom.Patient(Unique("MODS"), "Study^Change"), "CT", instances: 2, description: "Before");
        var studyId = await ContentTestData.StoreAsync(fixture.Local, study);
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);

        var response = await user.PostAsJsonAsync($"api/content/studies/{studyId}/modify", new { Changes = new Dictionary<string, string> { ["StudyDescription"] = "After" }, KeepUids = false });
        var taskId = (await response.Content.ReadFromJsonAsync<JsonObject>())!["taskId"]!.GetValue<long>();
        var task = await EventuallyAsync(async () => await fixture.Portal.GetRequiredService<TaskQueue>().GetAsync(taskId) is { FinishedAt: not null } t ? t : null);
        task.State.ShouldBe(PortalTaskState.Succeeded, task.Error);

        (await fixture.Local.Http.GetAsync($"studies/{studyId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "the original is replaced");
        var found = await fixture.Local.Http.PostAsJsonAsync("tools/find", new { Level = "Study", Query = new { PatientID = study.Patient.PatientId }, Expand = true }, OrthancJson);
        var modified = (await found.Content.ReadFromJsonAsync<JsonArray>())!.Single()!;
        modified["MainDicomTags"]!["StudyDescription"]!.GetValue<string>().ShouldBe("After");
        modified["MainDicomTags"]!["StudyInstanceUID"]!.GetValue<string>().ShouldNotBe(study.StudyUid);
    }

    [Fact]
    public async Task Deleting_a_series_removes_it_and_is_audited()
    {
        var studyId = await ContentTestData.StoreAsync(fixture.Local, TestDicom.Study(TestDicom.Patient(Unique("DEL"), "Delete^Me"), "CT", instances: 1, seriesCount: 2));
        var series = (await ContentTestData.StudyAsync(fixture.Local, studyId))["Series"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);

        (await user.DeleteAsync($"api/content/series/{series[0]}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await fixture.Local.Http.GetAsync($"series/{series[0]}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await fixture.Local.Http.GetAsync($"series/{series[1]}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        AuditActions().ShouldContain("content.delete");
    }

    [Fact]
    public async Task Protecting_a_patient_sets_it_in_Orthanc()
    {
        var studyId = await ContentTestData.StoreAsync(fixture.Local, TestDicom.Study(TestDicom.Patient(Unique("PROT"), "Keep^Me"), "CT", instances: 1));
        var patientId = (await ContentTestData.StudyAsync(fixture.Local, studyId))["ParentPatient"]!.GetValue<string>();
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);

        (await user.PutAsJsonAsync($"api/content/patients/{patientId}/protected", new { Protected = true })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await fixture.Local.Http.GetStringAsync($"patients/{patientId}/protected")).Trim().ShouldBe("1");
        (await user.PutAsJsonAsync($"api/content/patients/{patientId}/protected", new { Protected = false })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await fixture.Local.Http.GetStringAsync($"patients/{patientId}/protected")).Trim().ShouldBe("0");
        AuditActions().ShouldContain("content.protect");
    }

    [Fact]
    public async Task A_viewer_cannot_modify_delete_protect_download_or_import()
    {
        var studyId = await ContentTestData.StoreAsync(fixture.Local, TestDicom.Study(TestDicom.Patient(Unique("VIEW"), "Look^Only"), "CT", instances: 1));
        var patientId = (await ContentTestData.StudyAsync(fixture.Local, studyId))["ParentPatient"]!.GetValue<string>();
        using var viewer = await fixture.SignInAsync(PortalFixture.ViewerUser);

        (await viewer.PostAsJsonAsync($"api/content/patients/{patientId}/modify", new { Changes = new Dictionary<string, string> { ["PatientName"] = "X" }, KeepUids = true }))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await viewer.DeleteAsync($"api/content/studies/{studyId}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await viewer.PutAsJsonAsync($"api/content/patients/{patientId}/protected", new { Protected = true })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await viewer.GetAsync($"content/download/studies/{studyId}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var upload = new HttpRequestMessage(HttpMethod.Post, "api/import/file") { Content = new ByteArrayContent([1, 2, 3]) };
        upload.Headers.Add("X-File-Name", "x.dcm");
        (await viewer.SendAsync(upload)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await viewer.GetAsync("import")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        (await fixture.Local.Http.GetAsync($"studies/{studyId}")).StatusCode.ShouldBe(HttpStatusCode.OK, "nothing was deleted");
        (await viewer.GetAsync($"content/studies/{studyId}")).StatusCode.ShouldBe(HttpStatusCode.OK, "but the viewer may look");
    }

    [Fact]
    public async Task The_viewer_proxy_needs_ViewContent_and_streams_DICOMweb_and_previews()
    {
        var study = TestDicom.Study(TestDicom.Patient(Unique("PRX"), "Proxy^Test"), "CT", instances: 1);
        var studyId = await ContentTestData.StoreAsync(fixture.Local, study);
        var instanceId = (await fixture.Local.GetJsonAsync($"studies/{studyId}/instances")).AsArray()[0]!["ID"]!.GetValue<string>();
        await fixture.Portal.CreateRoleAsync("ImportOnly", Permissions.Import);
        await fixture.Portal.CreateUserAsync("importer1", PortalFixture.Password, "ImportOnly");
        using var importer = await fixture.SignInAsync("importer1");
        foreach (var path in new[] { "dicom-web/studies", $"instances/{instanceId}/preview", $"wado?requestType=WADO&studyUID={study.StudyUid}", "web-viewer/app/viewer.html" })
        {
            (await importer.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.Forbidden, path);
        }
        using var anonymous = fixture.Portal.NewClient();
        (await anonymous.GetAsync("dicom-web/studies")).StatusCode.ShouldNotBe(HttpStatusCode.OK);

        using var viewer = await fixture.SignInAsync(PortalFixture.ViewerUser);
        var qido = await viewer.GetAsync($"dicom-web/studies?StudyInstanceUID={study.StudyUid}");
        qido.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await qido.Content.ReadAsStringAsync()).ShouldContain(study.StudyUid);
        var preview = await viewer.GetAsync($"instances/{instanceId}/preview");
        preview.StatusCode.ShouldBe(HttpStatusCode.OK);
        preview.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        (await viewer.GetAsync("system")).StatusCode.ShouldNotBe(HttpStatusCode.OK, "only viewer routes are proxied");
        var stow = new HttpRequestMessage(HttpMethod.Post, "dicom-web/studies") { Content = new ByteArrayContent([1]) };
        (await viewer.SendAsync(stow)).StatusCode.ShouldBe(HttpStatusCode.Forbidden, "storing through DICOMweb also needs Import");
    }

    [Fact]
    public async Task A_study_downloads_as_a_streamed_zip_with_every_instance_and_as_DICOMDIR()
    {
        var studyId = await ContentTestData.StoreAsync(fixture.Local, TestDicom.Study(TestDicom.Patient(Unique("ZIP"), "Zip^Me"), "CT", instances: 3, seriesCount: 2));
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);

        var zip = await user.GetAsync($"content/download/studies/{studyId}?format=zip", HttpCompletionOption.ResponseHeadersRead);
        zip.StatusCode.ShouldBe(HttpStatusCode.OK);
        zip.Content.Headers.ContentDisposition!.FileName!.ShouldEndWith(".zip");
        CountDicomEntries(await zip.Content.ReadAsByteArrayAsync()).ShouldBe(6);

        var media = await user.GetAsync($"content/download/studies/{studyId}?format=dicomdir&transcode=1.2.840.10008.1.2.1");
        media.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var archive = new ZipArchive(new MemoryStream(await media.Content.ReadAsByteArrayAsync()));
        archive.Entries.ShouldContain(e => e.Name == "DICOMDIR");

        (await user.GetAsync($"content/download/studies/{studyId}?transcode=1.2.3")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await user.GetAsync($"content/download/instances/{studyId}")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private static readonly System.Text.Json.JsonSerializerOptions OrthancJson = new();

    public static int CountDicomEntries(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip));
        return archive.Entries.Count(e => e.Length > 0 && e.Name != "DICOMDIR");
    }

    private List<string> AuditActions()
    {
        using var scope = fixture.Portal.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<AuditEntry>().AsNoTracking().Select(e => e.Action).ToList();
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, Func<string>? lastSeen = null) where T : class
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var value = await probe();
            if (value is not null) return value;
            if (DateTime.UtcNow > until) throw new TimeoutException($"The condition did not come true within 30 s. {lastSeen?.Invoke()}");
            await Task.Delay(200);
        }
    }
}
