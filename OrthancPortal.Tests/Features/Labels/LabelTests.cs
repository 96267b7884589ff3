using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Baskets;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Labels;

public sealed class LabelTests(LabelFixture fixture) : IClassFixture<LabelFixture>
{
    private static List<string> Ids(JsonObject page) => page["rows"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).Order().ToList();

    [Fact]
    public async Task A_label_added_in_bulk_filters_the_list_and_every_change_is_audited_under_the_user()
    {
        var (tag, studies) = await fixture.StoreStudiesAsync(3);
        var label = $"bulk-{tag}";
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);

        var bulk = await user.PostAsJsonAsync("api/labels/bulk", new { StudyIds = studies.Take(2), Label = label, Add = true });
        bulk.StatusCode.ShouldBe(HttpStatusCode.OK, await bulk.Content.ReadAsStringAsync());
        (await bulk.Content.ReadFromJsonAsync<JsonObject>())!["changed"]!.GetValue<int>().ShouldBe(2);

        var filtered = (await user.GetFromJsonAsync<JsonObject>($"api/content/studies?patientName={tag}*&labels={label}"))!;
        Ids(filtered).ShouldBe(studies.Take(2).Order().ToList());
        filtered["total"]!.GetValue<long>().ShouldBe(2);
        filtered["rows"]![0]!["labels"]!.AsArray().Select(l => l!.GetValue<string>()).ShouldContain(label);
        var none = (await user.GetFromJsonAsync<JsonObject>($"api/content/studies?patientName={tag}*&labels={label}&labelMatch=None"))!;
        Ids(none).ShouldBe([studies[2]]);

        // One at a time on the third study: add, read back, remove.
        (await user.PutAsync($"api/content/studies/{studies[2]}/labels/single", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await user.GetFromJsonAsync<List<string>>($"api/content/studies/{studies[2]}/labels"))!.ShouldBe(["single"]);
        (await fixture.Local.GetJsonAsync($"studies/{studies[2]}/labels")).AsArray().Select(l => l!.GetValue<string>()).ShouldBe(["single"]);
        (await user.DeleteAsync($"api/content/studies/{studies[2]}/labels/single")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await user.GetFromJsonAsync<List<string>>($"api/content/studies/{studies[2]}/labels"))!.ShouldBeEmpty();
        (await user.GetFromJsonAsync<List<string>>("api/labels"))!.ShouldContain(label);

        using var scope = fixture.Portal.Services.CreateScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var audited = await db.Set<AuditEntry>().Where(a => a.Action.StartsWith("label.") && a.UserName == PortalFixture.StandardUser).ToListAsync();
        audited.Count(a => a.Action == "label.add" && a.Details == label).ShouldBe(2);
        audited.ShouldContain(a => a.Action == "label.add" && a.Resource == $"studies/{studies[2]}" && a.Details == "single");
        audited.ShouldContain(a => a.Action == "label.remove" && a.Resource == $"studies/{studies[2]}" && a.Details == "single");
    }

    [Theory]
    [InlineData("with%20space")]
    [InlineData("semi;colon")]
    [InlineData("%2e%2e")]
    [InlineData("dot.ted")]
    [InlineData("umlaut-%C3%A4")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task A_label_that_is_not_letters_digits_underscore_or_dash_is_refused(string label)
    {
        var (_, studies) = await fixture.StoreStudiesAsync(1);
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);
        var response = await user.PutAsync($"api/content/studies/{studies[0]}/labels/{label}", null);
        // A dot segment is resolved by Kestrel before routing, so it never names a label (405 on the labels list).
        response.StatusCode.ShouldBeOneOf(HttpStatusCode.BadRequest, HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed);
        (await fixture.Local.GetJsonAsync($"studies/{studies[0]}/labels")).AsArray().ShouldBeEmpty();
        (await user.PostAsJsonAsync("api/labels/bulk", new { StudyIds = studies, Label = Uri.UnescapeDataString(label), Add = true })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await user.GetAsync($"api/content/studies?labels={label}")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Changing_labels_needs_the_Labels_permission()
    {
        var (_, studies) = await fixture.StoreStudiesAsync(1);
        using var viewer = await fixture.SignInAsync(PortalFixture.ViewerUser);
        (await viewer.PutAsync($"api/content/studies/{studies[0]}/labels/sneaky", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await viewer.PostAsJsonAsync("api/labels/bulk", new { StudyIds = studies, Label = "sneaky", Add = true })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await fixture.Local.GetJsonAsync($"studies/{studies[0]}/labels")).AsArray().ShouldBeEmpty();
        (await viewer.GetAsync($"api/content/studies/{studies[0]}/labels")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_role_limited_to_research_reaches_only_research_studies_in_search_pages_downloads_baskets_and_the_proxy()
    {
        var (tag, studies) = await fixture.StoreStudiesAsync(3);
        foreach (var id in studies.Take(2)) (await fixture.Local.Http.PutAsync($"studies/{id}/labels/{LabelFixture.Research}", new StringContent(""))).EnsureSuccessStatusCode();
        var allowed = await fixture.PartsAsync(studies[0]);
        var other = await fixture.PartsAsync(studies[2]);
        using var research = await fixture.SignInAsync(LabelFixture.ResearchUser);

        var page = (await research.GetFromJsonAsync<JsonObject>($"api/content/studies?patientName={tag}*"))!;
        Ids(page).ShouldBe(studies.Take(2).Order().ToList());
        (await research.GetAsync($"api/content/studies?patientName={tag}*&labels=other&labelMatch=Any")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await research.GetAsync($"api/content/studies?labels={LabelFixture.Research}&labelMatch=None")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await research.GetFromJsonAsync<List<string>>("api/labels"))!.ShouldBe([LabelFixture.Research]);

        // Pages of the other study, at every level, say why in words.
        foreach (var path in new[] { $"content/studies/{other.StudyId}", $"content/series/{other.SeriesId}", $"content/instances/{other.InstanceId}", $"content/patients/{other.PatientId}" })
        {
            var html = await research.GetStringAsync(path);
            html.ShouldContain("your role sees only studies labelled research", Case.Insensitive, path);
        }
        // The refusal follows the user's language like the rest of the page.
        using (var german = new HttpRequestMessage(HttpMethod.Get, $"content/studies/{other.StudyId}"))
        {
            german.Headers.AcceptLanguage.ParseAdd("de-DE");
            using var answer = await research.SendAsync(german);
            (await answer.Content.ReadAsStringAsync()).ShouldContain("Ihre Rolle sieht nur Studien mit dem Label");
        }
        (await research.GetStringAsync($"content/studies/{allowed.StudyId}")).ShouldContain("data-test=\"study-title\"");
        (await research.GetAsync($"api/content/studies/{other.StudyId}/labels")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // Downloads.
        (await research.GetAsync($"content/download/studies/{other.StudyId}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await research.GetAsync($"content/download/series/{other.SeriesId}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await research.GetAsync($"content/download/patients/{other.PatientId}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var zip = await research.GetAsync($"content/download/studies/{allowed.StudyId}");
        zip.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await zip.Content.ReadAsByteArrayAsync()).Length.ShouldBeGreaterThan(0);

        // Baskets.
        (await research.PostAsJsonAsync("api/baskets/Export", new { Items = new[] { new { Level = "Study", OrthancId = other.StudyId } } })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await research.PostAsJsonAsync("api/baskets/Export", new { Items = new[] { new { Level = "Study", OrthancId = allowed.StudyId } } })).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The viewer proxy: every way a viewer names a study.
        string[] Routes(StudyParts s) =>
        [
            $"instances/{s.InstanceId}/preview",
            $"instances/{s.InstanceId}/frames/0/preview",
            $"dicom-web/studies/{s.StudyUid}/metadata",
            $"dicom-web/studies/{s.StudyUid}/series",
            $"dicom-web/studies/{s.StudyUid}/series/{s.SeriesUid}/instances/{s.SopUid}/metadata",
            $"dicom-web/studies?StudyInstanceUID={s.StudyUid}",
            $"wado?requestType=WADO&studyUID={s.StudyUid}&seriesUID={s.SeriesUid}&objectUID={s.SopUid}&contentType=application/dicom",
            $"web-viewer/series/{s.SeriesId}",
            $"web-viewer/instances/jpeg95-{s.InstanceId}_0",
        ];
        foreach (var route in Routes(allowed))
        {
            var r = await research.GetAsync(route);
            r.StatusCode.ShouldBe(HttpStatusCode.OK, $"{route}: {await r.Content.ReadAsStringAsync()}");
        }
        foreach (var route in Routes(other)) (await research.GetAsync(route)).StatusCode.ShouldBe(HttpStatusCode.Forbidden, route);
        // A search over everything, a UID list, and the allowed study's series under the other study's UID.
        (await research.GetAsync("dicom-web/studies")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await research.GetAsync($"dicom-web/studies?StudyInstanceUID={allowed.StudyUid},{other.StudyUid}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await research.GetAsync($"dicom-web/studies?StudyInstanceUID={allowed.StudyUid}&StudyInstanceUID={other.StudyUid}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await research.GetAsync($"dicom-web/studies?StudyInstanceUID={allowed.StudyUid}&StudyInstanceUid={other.StudyUid}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await research.GetAsync($"dicom-web/studies?StudyInstanceUID={allowed.StudyUid}*")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await research.GetAsync($"dicom-web/studies/{allowed.StudyUid}/series/{other.SeriesUid}/metadata")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await research.GetAsync($"wado?requestType=WADO&studyUID={allowed.StudyUid}&objectUID={other.SopUid}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await research.GetAsync("web-viewer/app/viewer.html")).StatusCode.ShouldBe(HttpStatusCode.OK, "the viewer's own files need no label");

        // An unlimited viewer still sees the other study; removing the label takes the study away at once.
        using var viewer = await fixture.SignInAsync(PortalFixture.ViewerUser);
        (await viewer.GetAsync($"instances/{other.InstanceId}/preview")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await fixture.Local.Http.DeleteAsync($"studies/{allowed.StudyId}/labels/{LabelFixture.Research}")).EnsureSuccessStatusCode();
        (await research.GetAsync($"instances/{allowed.InstanceId}/preview")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await research.GetAsync($"content/download/studies/{allowed.StudyId}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_roles_page_sets_and_lifts_a_label_limit_and_refuses_bad_names_and_the_Admin_role()
    {
        await fixture.Portal.CreateRoleAsync("LimitEdit", OrthancPortal.Features.Access.Permissions.ViewContent);
        using var scope = fixture.Portal.Services.CreateScope();
        var admin = scope.ServiceProvider.GetRequiredService<OrthancPortal.Features.Access.UserAdminService>();
        var roles = await admin.ListRolesAsync();
        var role = roles.Single(r => r.Name == "LimitEdit");
        (await admin.SetLabelLimitAsync(role.Id, "b-2, a_1 b-2")).Succeeded.ShouldBeTrue();
        (await admin.ListRolesAsync()).Single(r => r.Name == "LimitEdit").StudyLabels.ShouldBe(["a_1", "b-2"]);
        (await admin.SetLabelLimitAsync(role.Id, "bad;label")).Error.ShouldBe("'bad;label' is not a label: use 1 to 64 letters, digits, '_' or '-'.");
        (await admin.SetLabelLimitAsync(roles.Single(r => r.Name == "Admin").Id, "x")).Succeeded.ShouldBeFalse();
        (await admin.SetLabelLimitAsync(role.Id, "")).Succeeded.ShouldBeTrue();
        (await admin.ListRolesAsync()).Single(r => r.Name == "LimitEdit").StudyLabels.ShouldBeEmpty();
    }
}

public sealed class LegacyLabelTests(LegacyLabelFixture fixture) : IClassFixture<LegacyLabelFixture>
{
    [Fact]
    public async Task On_Orthanc_1_10_a_label_limited_role_sees_nothing_and_is_told_why()
    {
        var studyId = await ContentTestData.StoreAsync(fixture.Local, TestDicom.Study(TestDicom.Patient($"OLD{Guid.NewGuid():N}"[..10], "Legacy^Label"), "CT", instances: 1));
        var instanceId = (await fixture.Local.GetJsonAsync($"studies/{studyId}/instances"))[0]!["ID"]!.GetValue<string>();
        using var research = await fixture.SignInAsync(LabelFixture.ResearchUser);

        var page = (await research.GetFromJsonAsync<JsonObject>("api/content/studies"))!;
        page["rows"]!.AsArray().ShouldBeEmpty();
        page["notice"]!.GetValue<string>().ShouldContain($"this Orthanc (version {fixture.Local.Version}) has no labels");
        (await research.GetStringAsync($"content/studies/{studyId}")).ShouldContain("has no labels (they came with Orthanc 1.12)");
        (await research.GetAsync($"content/download/studies/{studyId}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await research.GetAsync($"instances/{instanceId}/preview")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // Everyone else: the list works, labels are refused with the reason instead of being ignored by Orthanc.
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);
        (await user.GetFromJsonAsync<JsonObject>("api/content/studies"))!["rows"]!.AsArray().ShouldNotBeEmpty();
        var filter = await user.GetAsync("api/content/studies?labels=research");
        filter.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await filter.Content.ReadAsStringAsync()).ShouldContain("has no labels");
        (await user.PutAsync($"api/content/studies/{studyId}/labels/research", null)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await user.GetStringAsync($"content/studies/{studyId}")).ShouldContain("has no labels; they came with Orthanc 1.12");
    }
}
