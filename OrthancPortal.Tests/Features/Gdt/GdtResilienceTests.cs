using OrthancPortal.Infrastructure;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Gdt;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Gdt;

/// <summary>GDT into an AIS folder that goes away, with a short change-feed backoff: 0.5 s, then 1 s, 8 attempts.</summary>
public class GdtResilienceFixture : PortalFixture
{
    public const int MaxAttempts = 8;
    public string GdtFolder { get; } = Path.Combine(TestEnvironment.NewTempFolder("gdt-share"), "ais");
    public string Offline => GdtFolder + ".offline";
    protected override bool UsesBrowser => true;

    protected override IDictionary<string, string?> PortalSettings => new Dictionary<string, string?>
    {
        ["Gdt:Folder"] = GdtFolder,
        ["ChangeFeed:RetryBaseSeconds"] = "0.5",
        ["ChangeFeed:RetryMaxSeconds"] = "1",
        ["ChangeFeed:MaxAttempts"] = MaxAttempts.ToString(),
    };

    public override async Task InitializeAsync()
    {
        Directory.CreateDirectory(GdtFolder);
        await base.InitializeAsync();
    }

    /// <summary>The share goes offline: the folder is no longer there (root ignores file modes, so a chmod would not do).</summary>
    public void TakeOffline() => Directory.Move(GdtFolder, Offline);

    public void BringBack() => Directory.Move(Offline, GdtFolder);

    public async Task<TResult> DbAsync<TResult>(Func<PortalDbContext, Task<TResult>> query)
    {
        await using var db = await Portal.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    public Task<List<HeldChange>> HeldAsync() => DbAsync(db => db.Set<HeldChange>().AsNoTracking().Where(h => h.Subscriber == "gdt").OrderBy(h => h.Seq).ToListAsync());

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        TestEnvironment.DeleteQuietly(Path.GetDirectoryName(GdtFolder)!);
    }
}

/// <summary>The GDT resilience fixture with the portal's database on the test PostgreSQL server.</summary>
public sealed class PostgresGdtResilienceFixture : GdtResilienceFixture
{
    protected override PortalDatabase? Database => PortalDatabase.Postgres;
}

public abstract class GdtResilienceTests(GdtResilienceFixture fx)
{
    private static IReadOnlyList<SyntheticStudy> Studies(string prefix, int count)
        => Enumerable.Range(1, count).Select(n => TestDicom.Study(TestDicom.Patient($"{prefix}{n}", $"Share^P{n}"), "US", instances: 1, accession: $"{prefix}ACC{n}")).ToList();

    [Fact]
    public async Task Five_studies_that_arrive_while_the_AIS_folder_is_offline_all_get_their_file_once_it_is_back()
    {
        var studies = Studies("GDTOFF", 5);
        fx.TakeOffline();
        try
        {
            await RobotsPortalFixture.SendAllAsync(studies, fx.Local);
            // Offline past the first backoff steps: the feed has failed and waited more than once.
            await TestEnvironment.WaitUntilAsync(async () => await fx.DbAsync(db => db.Set<ChangeFeedCursor>().AnyAsync(c => c.Subscriber == "gdt" && c.FailCount >= 3)),
                TimeSpan.FromSeconds(60), "three failed GDT deliveries");
        }
        finally { fx.BringBack(); }

        foreach (var study in studies)
        {
            await TestEnvironment.WaitUntilAsync(() => Task.FromResult(File.Exists(Path.Combine(fx.GdtFolder, $"{study.Accession}.gdt"))), TimeSpan.FromSeconds(60), $"{study.Accession}.gdt");
        }
        await fx.Portal.WaitForChangeFeedAsync();
        Directory.GetFiles(fx.GdtFolder, "GDTOFF*.gdt").Length.ShouldBe(5);
        var written = await fx.DbAsync(db => db.Set<GdtFile>().Where(f => f.Accession.StartsWith("GDTOFF")).ToListAsync());
        written.Count.ShouldBe(5);
        written.ShouldAllBe(f => f.WriteCount == 1);
        (await fx.HeldAsync()).ShouldNotContain(h => written.Select(f => f.OrthancStudyId).Contains(h.ResourceId), "nothing was held: the share came back in time");
    }

    [Fact]
    public async Task Changes_held_after_the_attempt_limit_show_on_the_dashboard_and_retry_writes_them_and_discard_drops_them_both_audited()
    {
        var studies = Studies("GDTHELD", 3);
        fx.TakeOffline();
        List<HeldChange> held;
        try
        {
            await RobotsPortalFixture.SendAllAsync(studies, fx.Local);
            held = [];
            await TestEnvironment.WaitUntilAsync(async () => (held = await fx.HeldAsync()).Count == 3, TimeSpan.FromSeconds(120), "three held GDT changes");
        }
        finally { fx.BringBack(); }

        held.ShouldAllBe(h => h.Attempts == GdtResilienceFixture.MaxAttempts && h.ChangeType == ChangeTypes.StableStudy && h.LastError.Contains("does not exist"));
        using var admin = await fx.SignInAsync(PortalFixture.AdminUser);
        var dashboard = await admin.GetStringAsync("");
        dashboard.ShouldContain("data-test=\"held-count\"");
        dashboard.ShouldContain("3 automatic deliveries are held after repeated failures.");
        var listed = await admin.GetStringAsync("admin/held-changes");
        foreach (var h in held) listed.ShouldContain(h.ResourceId);
        using var viewer = await fx.SignInAsync(PortalFixture.ViewerUser);
        (await viewer.PostAsync($"api/admin/held-changes/{held[0].Id}/retry", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // The share is back: "Retry" on the page writes the first file, the API's retry the second, discard drops the third.
        var accessions = new List<string>();
        foreach (var h in held) accessions.Add((await fx.Local.GetJsonAsync($"studies/{h.ResourceId}"))["MainDicomTags"]!["AccessionNumber"]!.GetValue<string>());
        var page = await fx.Browser.SignedInPageAsync(fx.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        await page.GotoAsync("admin/held-changes");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.Locator($"[data-test=held-change][data-id='{held[0].Id}'] [data-test=held-retry]").ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(page.Locator("[data-test=held-change]")).ToHaveCountAsync(2);
        File.Exists(Path.Combine(fx.GdtFolder, $"{accessions[0]}.gdt")).ShouldBeTrue();

        (await admin.PostAsync($"api/admin/held-changes/{held[1].Id}/retry", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        File.Exists(Path.Combine(fx.GdtFolder, $"{accessions[1]}.gdt")).ShouldBeTrue();
        (await admin.PostAsync($"api/admin/held-changes/{held[2].Id}/discard", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.PostAsync($"api/admin/held-changes/{held[2].Id}/retry", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        File.Exists(Path.Combine(fx.GdtFolder, $"{accessions[2]}.gdt")).ShouldBeFalse();
        // The page follows without a reload.
        await Microsoft.Playwright.Assertions.Expect(page.Locator("[data-test=held-empty]")).ToBeVisibleAsync();
        (await fx.HeldAsync()).ShouldBeEmpty();
        (await admin.GetStringAsync("")).ShouldNotContain("data-test=\"held-count\"");

        var audit = await fx.DbAsync(db => db.Set<AuditEntry>().AsNoTracking().Where(a => a.Action.StartsWith("changefeed.")).ToListAsync());
        foreach (var h in held.Take(2)) audit.ShouldContain(a => a.Action == "changefeed.retry" && a.Resource == $"held-changes/{h.Id}" && a.UserName == PortalFixture.AdminUser && a.Success);
        audit.ShouldContain(a => a.Action == "changefeed.discard" && a.Resource == $"held-changes/{held[2].Id}" && a.UserName == PortalFixture.AdminUser);
        var list = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<JsonArray>(admin, "api/admin/held-changes");
        list!.Count.ShouldBe(0);
    }

    /// <summary>These tests on the portal's default database.</summary>
    public sealed class OnSqlite(GdtResilienceFixture fixture) : GdtResilienceTests(fixture), IClassFixture<GdtResilienceFixture>;

    /// <summary>The same tests with the portal's database on PostgreSQL.</summary>
    public sealed class OnPostgres(PostgresGdtResilienceFixture fixture) : GdtResilienceTests(fixture), IClassFixture<PostgresGdtResilienceFixture>;
}
