using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Baskets;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Baskets;

public abstract class BasketTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_user_without_Delete_gets_403_and_a_user_with_it_deletes_with_an_audit_of_what_was_deleted()
    {
        var study = TestDicom.Study(TestDicom.Patient("DEL-1", "Delete^Dana"), "CT", instances: 2, description: "CT to delete");
        var id = await SendAndFindAsync(study);

        await fixture.Portal.CreateRoleAsync("NoDelete", Permissions.ViewContent, Permissions.Anonymize, Permissions.ExportLocal);
        await fixture.Portal.CreateUserAsync("nodelete1", PortalFixture.Password, "NoDelete");
        using var noDelete = await fixture.SignInAsync("nodelete1");
        var denied = await noDelete.PostAsync("api/baskets/delete/run", null);
        denied.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await noDelete.PostAsJsonAsync("api/baskets/Delete", new { Items = new[] { new { Level = "Study", OrthancId = id } } })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await noDelete.GetAsync("baskets/delete")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await fixture.Local.GetJsonAsync($"studies/{id}")).ShouldNotBeNull();

        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);
        (await user.PostAsJsonAsync("api/baskets/Delete", new { Items = new[] { new { Level = "Study", OrthancId = id } } })).EnsureSuccessStatusCode();
        var counts = await user.GetFromJsonAsync<JsonObject>("api/baskets");
        counts!["Delete"]!.GetValue<int>().ShouldBe(1);
        var run = await user.PostAsync("api/baskets/delete/run", null);
        run.StatusCode.ShouldBe(HttpStatusCode.OK);
        var taskId = (await run.Content.ReadFromJsonAsync<JsonObject>())!["taskId"]!.GetValue<long>();
        var queue = fixture.Portal.GetRequiredService<TaskQueue>();
        await TestEnvironment.WaitUntilAsync(async () => (await queue.GetAsync(taskId))!.IsFinished, TimeSpan.FromSeconds(20), "delete task");
        (await queue.GetAsync(taskId))!.State.ShouldBe(PortalTaskState.Succeeded);
        (await fixture.Local.Http.GetAsync($"studies/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        await using var db = await fixture.Portal.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var audit = await db.Set<AuditEntry>().SingleAsync(e => e.Action == "delete" && e.Resource == $"studies/{id}");
        audit.UserName.ShouldBe(PortalFixture.StandardUser);
        audit.Details.ShouldNotBeNull().ShouldContain("Delete^Dana");
        audit.Details.ShouldContain(study.StudyUid);
        (await user.GetFromJsonAsync<JsonObject>("api/baskets"))!["Delete"]!.GetValue<int>().ShouldBe(0, "the basket is emptied once the task is queued");
    }

    [Fact]
    public async Task A_study_deleted_while_in_a_basket_shows_as_missing_and_is_skipped_with_a_reason()
    {
        var kept = await SendAndFindAsync(TestDicom.Study(TestDicom.Patient("MISS-1", "Kept^Karl"), "CT", instances: 1));
        var gone = await SendAndFindAsync(TestDicom.Study(TestDicom.Patient("MISS-2", "Gone^Gina"), "CT", instances: 1));
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);
        (await user.PostAsJsonAsync("api/baskets/Anonymize", new { Items = new[] { new { Level = "Study", OrthancId = kept }, new { Level = "Study", OrthancId = gone } } }))
            .EnsureSuccessStatusCode();
        await fixture.Local.Http.DeleteAsync($"studies/{gone}");

        var entries = (await user.GetFromJsonAsync<JsonArray>("api/baskets/Anonymize"))!;
        entries.Single(e => e!["orthancId"]!.GetValue<string>() == gone)!["missing"]!.GetValue<bool>().ShouldBeTrue();
        entries.Single(e => e!["orthancId"]!.GetValue<string>() == kept)!["missing"]!.GetValue<bool>().ShouldBeFalse();
        // What the page's grid shows: the same page from the service, the lost study marked, not an error.
        using (var scope = fixture.Portal.Services.CreateScope())
        {
            var userId = (await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync(PortalFixture.StandardUser))!.Id;
            var page = await scope.ServiceProvider.GetRequiredService<BasketService>().PageAsync(userId, BasketKind.Anonymize, new PageRequest(0, 25));
            page.Items.Single(e => e.OrthancId == gone).Missing.ShouldBeTrue();
            page.Items.Single(e => e.OrthancId == kept).Missing.ShouldBeFalse();
        }

        var run = await user.PostAsJsonAsync("api/baskets/anonymize/run", new { ProfileId = "default", Rows = Array.Empty<object>() });
        run.StatusCode.ShouldBe(HttpStatusCode.OK);
        var taskId = (await run.Content.ReadFromJsonAsync<JsonObject>())!["taskId"]!.GetValue<long>();
        var queue = fixture.Portal.GetRequiredService<TaskQueue>();
        await TestEnvironment.WaitUntilAsync(async () => (await queue.GetAsync(taskId))!.IsFinished, TimeSpan.FromSeconds(30), "anonymize task");
        var task = (await queue.GetAsync(taskId))!;
        task.State.ShouldBe(PortalTaskState.Succeeded, task.Error);
        task.Result.ShouldNotBeNull().ShouldContain("deleted from Orthanc after it was put in the basket");
        task.ProgressText.ShouldNotBeNull().ShouldContain("1 anonymized, 1 skipped");
    }

    [Fact]
    public async Task A_basket_of_300_studies_opens_on_its_first_page_with_its_total_sorts_and_pages_in_the_database_and_its_actions_take_all()
    {
        // 300 studies stored over HTTP (storescu would take minutes); names, dates and the order they are added differ.
        var ids = new List<string>();
        for (var i = 1; i <= 300; i++)
        {
            var study = TestDicom.Study(TestDicom.Patient($"BULK-{i:D3}", $"Bulk^N{i:D3}"), "CT", instances: 1,
                date: new DateTime(2020, 1, 1).AddDays(i).ToString("yyyyMMdd"), description: $"Bulk study {i:D3}");
            ids.Add(await ContentTestData.StoreAsync(fixture.Local, study));
        }
        await fixture.Portal.CreateRoleAsync("BulkExport", Permissions.ViewContent, Permissions.ExportLocal);
        await fixture.Portal.CreateUserAsync("bulk1", PortalFixture.Password, "BulkExport");
        using var user = await fixture.SignInAsync("bulk1");
        // Added newest first, in one request.
        var added = await user.PostAsJsonAsync("api/baskets/Export", new { Items = Enumerable.Reverse(ids).Select(id => new { Level = "Study", OrthancId = id }).ToArray() });
        added.EnsureSuccessStatusCode();
        (await added.Content.ReadFromJsonAsync<JsonObject>())!["added"]!.GetValue<int>().ShouldBe(300);
        (await user.GetFromJsonAsync<JsonObject>("api/baskets"))!["Export"]!.GetValue<int>().ShouldBe(300);

        using var scope = fixture.Portal.Services.CreateScope();
        var userId = (await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync("bulk1"))!.Id;
        var baskets = scope.ServiceProvider.GetRequiredService<BasketService>();

        // Opened: the first page in the order added, and the whole basket's total.
        var first = await baskets.PageAsync(userId, BasketKind.Export, new PageRequest(0, 25));
        first.Total.ShouldBe(300);
        first.Items.Select(e => e.PatientId).ShouldBe(Enumerable.Range(0, 25).Select(n => $"BULK-{300 - n:D3}"));
        first.Items.ShouldAllBe(e => !e.Missing);
        first.Items[0].StudyDescription.ShouldBe("Bulk study 300");

        // Sorted by patient name, the next page holds the next 25 names; by date descending, the newest comes first.
        var byName = await baskets.PageAsync(userId, BasketKind.Export, new PageRequest(25, 25, nameof(BasketEntry.PatientName)));
        byName.Total.ShouldBe(300);
        byName.Items.Select(e => e.PatientName).ShouldBe(Enumerable.Range(26, 25).Select(n => $"Bulk^N{n:D3}"));
        var byDate = await baskets.PageAsync(userId, BasketKind.Export, new PageRequest(0, 3, nameof(BasketEntry.StudyDate), Descending: true));
        byDate.Items.Select(e => e.StudyDate).ShouldBe(Enumerable.Range(0, 3).Select(n => new DateTime(2020, 1, 1).AddDays(300 - n).ToString("yyyyMMdd")));

        // A study deleted from Orthanc shows as missing on its page (with what was stored), not as an error of the page.
        await fixture.Local.Http.DeleteAsync($"studies/{ids[26]}");
        var withMissing = await baskets.PageAsync(userId, BasketKind.Export, new PageRequest(25, 25, nameof(BasketEntry.PatientName)));
        withMissing.Items.Count.ShouldBe(25);
        var missing = withMissing.Items.Single(e => e.Missing);
        missing.OrthancId.ShouldBe(ids[26]);
        missing.PatientName.ShouldBe("Bulk^N027");

        // Remove-one and the counters work on the whole basket; what the actions take is every entry, not the page.
        (await user.DeleteAsync($"api/baskets/Export/{ids[0]}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await baskets.PageAsync(userId, BasketKind.Export, new PageRequest(0, 25))).Total.ShouldBe(299);
        (await baskets.ItemsAsync(userId, BasketKind.Export)).Count.ShouldBe(299);
        (await user.GetFromJsonAsync<JsonObject>("api/baskets"))!["Export"]!.GetValue<int>().ShouldBe(299);
        await baskets.ClearAsync(userId, BasketKind.Export);
        (await baskets.PageAsync(userId, BasketKind.Export, new PageRequest(0, 25))).Total.ShouldBe(0);
    }

    [Fact]
    public async Task Bad_input_gets_a_400_with_the_reason()
    {
        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);
        var bad = await user.PostAsJsonAsync("api/baskets/Export", new { Items = new[] { new { Level = "Study", OrthancId = "../../system" } } });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("is not an Orthanc resource id");
        var empty = await user.PostAsJsonAsync("api/baskets/anonymize/run", new { ProfileId = "", Rows = Array.Empty<object>() });
        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await empty.Content.ReadAsStringAsync()).ShouldContain("Choose an anonymization profile");
    }

    private async Task<string> SendAndFindAsync(SyntheticStudy study)
    {
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);
        var found = JsonNode.Parse(await (await fixture.Local.Http.PostAsync("tools/lookup", new StringContent(study.StudyUid))).Content.ReadAsStringAsync())!.AsArray();
        return found.Single(n => n!["Type"]!.GetValue<string>() == "Study")!["ID"]!.GetValue<string>();
    }

    /// <summary>These tests on the portal's default database.</summary>
    public sealed class OnSqlite(PortalFixture fixture) : BasketTests(fixture), IClassFixture<PortalFixture>;

    /// <summary>The same tests with the portal's database on PostgreSQL.</summary>
    public sealed class OnPostgres(PostgresPortalFixture fixture) : BasketTests(fixture), IClassFixture<PostgresPortalFixture>;
}
