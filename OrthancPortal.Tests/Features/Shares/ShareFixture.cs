using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Shares;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Features.Labels;
using OrthancPortal.Tests.Features.Viewers;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Shares;

/// <summary>
/// The viewer proxy's fixture (Orthanc with the Web Viewer, the shared CT study) plus a second study that is never
/// shared, and a sharer whose role sees only studies labelled <see cref="SharedLabel"/>.
/// </summary>
public class ShareFixture : ViewerProxyFixture
{
    public const string SharedLabel = "shareok";
    public const string LimitedSharer = "labelsharer1";

    public SyntheticStudy Other { get; private set; } = default!;
    public string OtherStudyId { get; private set; } = "";
    public string OtherSeriesId { get; private set; } = "";
    public string OtherSeriesUid { get; private set; } = "";
    public string OtherInstanceId { get; private set; } = "";
    public string OtherSopUid { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Other = TestDicom.Study(TestDicom.Patient("SHARE-OTHER", "Other^Patient"), "MR", instances: 1);
        OtherStudyId = await ContentTestData.StoreAsync(Local, Other);
        OtherSeriesId = (await Local.GetJsonAsync($"studies/{OtherStudyId}"))["Series"]![0]!.GetValue<string>();
        OtherSeriesUid = (await Local.GetJsonAsync($"series/{OtherSeriesId}"))["MainDicomTags"]!["SeriesInstanceUID"]!.GetValue<string>();
        var instance = (await Local.GetJsonAsync($"series/{OtherSeriesId}/instances"))[0]!;
        OtherInstanceId = instance["ID"]!.GetValue<string>();
        OtherSopUid = instance["MainDicomTags"]!["SOPInstanceUID"]!.GetValue<string>();
        await WaitUntilStableAsync(OtherStudyId);

        await Portal.CreateRoleAsync("LabelSharer", Permissions.ViewContent, Permissions.Share);
        await LabelFixture.LimitRoleAsync(Portal, "LabelSharer", SharedLabel);
        await Portal.CreateUserAsync(LimitedSharer, Password, "LabelSharer");
        (await Local.Http.PutAsync($"studies/{StudyId}/labels/{SharedLabel}", new StringContent(""))).EnsureSuccessStatusCode();
    }

    public sealed record CreatedShare(long Id, string Path, string Token)
    {
        /// <summary>The Cookie header a browser sends after the landing page (the same value on every share path).</summary>
        public string Cookie => $"{ShareCookie.Name}={Token}";
    }

    /// <summary>Creates a share through the API as <paramref name="sharer"/>.</summary>
    public async Task<CreatedShare> CreateShareAsync(string sharer, IReadOnlyList<string> studyIds, bool allowDownload = false, int days = 7)
    {
        using var client = await SignInAsync(sharer);
        using var response = await client.PostAsJsonAsync("api/shares", new { StudyIds = studyIds, FromBasket = false, ValidDays = days, AllowDownload = allowDownload });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var path = body["path"]!.GetValue<string>();
        return new CreatedShare(body["id"]!.GetValue<long>(), path, path["s/".Length..]);
    }

    /// <summary>A client with no account and no cookie jar: the test sets the Cookie header itself.</summary>
    public HttpClient Visitor() => new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = Portal.Url };

    public async Task<HttpResponseMessage> GetAsync(string target, string? cookie)
    {
        using var visitor = Visitor();
        return await ViewerAttackTable.SendRawAsync(this, visitor, new ViewerAttackTable.Attack("GET", target), cookie);
    }

    public List<AuditEntry> AuditOf(string userName)
    {
        using var scope = Portal.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<AuditEntry>().AsNoTracking()
            .Where(e => e.UserName == userName).OrderBy(e => e.Id).ToList();
    }

    public async Task UpdateShareAsync(long id, Action<Share> change)
    {
        using var scope = Portal.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var share = await db.Set<Share>().SingleAsync(s => s.Id == id);
        change(share);
        await db.SaveChangesAsync();
    }
}
