using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Npgsql;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Settings;
using OrthancPortal.Tests.Features.Content;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Orthanc;

/// <summary>The managed Orthanc (trixie's 1.12.7) with its index on PostgreSQL through Debian's orthanc-postgresql plugin (5.0).</summary>
public sealed class OrthancPostgresIndexTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly BrowserFixture browser = new();

    public Task InitializeAsync() => browser.InitializeAsync();

    public Task DisposeAsync() => browser.DisposeAsync();

    [Fact]
    public async Task The_managed_Orthanc_indexes_in_PostgreSQL_serves_studies_through_the_portal_and_keeps_them_across_a_restart()
    {
        await using var index = await PostgresDatabase.CreateAsync("orthancindex");
        var server = new NpgsqlConnectionStringBuilder(index.ConnectionString);
        await using var portal = await PortalHost.StartManagedAsync(extra: new Dictionary<string, string?>
        {
            ["OrthancPostgresIndex:Enabled"] = "true",
            ["OrthancPostgresIndex:Host"] = server.Host,
            ["OrthancPostgresIndex:Port"] = server.Port.ToString(),
            ["OrthancPostgresIndex:Database"] = server.Database,
            ["OrthancPostgresIndex:Username"] = server.Username,
            ["OrthancPostgresIndex:Password"] = server.Password,
        });
        await WaitForManagedOrthancAsync(portal);
        await portal.CreateUserAsync("pgindex-admin", PortalFixture.Password, Roles.Admin);
        var orthanc = await portal.GetRequiredService<SettingsStore>().GetAsync<OrthancSettings>();
        var study = TestDicom.Study(TestDicom.Patient("PGIDX1", "Index^Pia"), "CT", instances: 2);
        await TestDicom.SendAsync(study, orthanc.DicomPort, orthanc.DicomAet);

        // The index is in PostgreSQL, not in a SQLite file beside the storage.
        var capabilities = await portal.GetRequiredService<OrthancCapabilitiesProvider>().GetAsync();
        capabilities.HasPostgresIndex.ShouldBeTrue();
        output.WriteLine($"Orthanc {capabilities.Version} on its PostgreSQL index: HasExtendedFind={capabilities.HasExtendedFind}, HasLabels={capabilities.HasLabels}");
        (await CountAsync(index, "SELECT count(*) FROM resources WHERE resourcetype = 1")).ShouldBe(1, "one study row in Orthanc's PostgreSQL index");
        File.Exists(Path.Combine(portal.DataFolder, "orthanc", "storage", "index")).ShouldBeFalse("no SQLite index");

        var studyId = await FindThroughPortalAsync(portal, capabilities);
        await DownloadThroughPortalAsync(portal, studyId);

        // Orthanc stops and starts again (with the portal): the studies are still in its index.
        await portal.RestartAsync();
        await WaitForManagedOrthancAsync(portal);
        var afterRestart = await portal.GetRequiredService<OrthancCapabilitiesProvider>().GetAsync();
        (await FindThroughPortalAsync(portal, afterRestart)).ShouldBe(studyId);
        await DownloadThroughPortalAsync(portal, studyId);
        await StudyListPageAsync(portal, afterRestart);
    }

    /// <summary>The study list page lists the study and, where this index cannot sort or count, says that PostgreSQL's plugin is why.</summary>
    private async Task StudyListPageAsync(PortalHost portal, OrthancCapabilities capabilities)
    {
        var page = await browser.SignedInPageAsync(portal, "pgindex-admin", PortalFixture.Password);
        await page.GotoAsync("content/studies");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.FillAsync(StudyList.NameFilter, "Index*");
        await page.ClickAsync("[data-test=search]");
        await Assertions.Expect(StudyList.Rows(page)).ToHaveCountAsync(1);
        await Assertions.Expect(StudyList.Rows(page).First).ToContainTextAsync("PGIDX1");
        if (capabilities.HasExtendedFind)
        {
            await Assertions.Expect(page.Locator("[data-test=sort-unavailable]")).ToHaveCountAsync(0);
        }
        else
        {
            await Assertions.Expect(page.Locator("[data-test=sort-unavailable]")).ToContainTextAsync("keeps its index in PostgreSQL with a plugin that cannot sort or count");
            await Assertions.Expect(page.Locator("[data-test=sort-unavailable]")).ToContainTextAsync($"version {capabilities.Version}");
        }
    }

    /// <summary>The study list finds the study; it sorts and counts if this index can, otherwise it says why not.</summary>
    private static async Task<string> FindThroughPortalAsync(PortalHost portal, OrthancCapabilities capabilities)
    {
        using var admin = await portal.SignInAsync("pgindex-admin", PortalFixture.Password);
        var page = (await admin.GetFromJsonAsync<JsonObject>("api/content/studies?patientName=Index*"))!;
        var row = page["rows"]!.AsArray().ShouldHaveSingleItem()!;
        row["patientId"]!.GetValue<string>().ShouldBe("PGIDX1");
        row["seriesCount"]!.GetValue<int>().ShouldBe(1);
        if (capabilities.HasExtendedFind)
        {
            page["total"]!.GetValue<long>().ShouldBe(1);
            page["sortNotice"].ShouldBeNull();
        }
        else
        {
            // Trixie's plugin 5.0 has no ExtendedFind: the list falls back as on Orthanc 1.10.1 and says why.
            page["total"].ShouldBeNull();
            page["sort"].ShouldBeNull();
            page["sortNotice"]!.GetValue<string>().ShouldContain("PostgreSQL");
        }
        return row["id"]!.GetValue<string>();
    }

    private static async Task DownloadThroughPortalAsync(PortalHost portal, string studyId)
    {
        using var admin = await portal.SignInAsync("pgindex-admin", PortalFixture.Password);
        var zip = await admin.GetAsync($"content/download/studies/{studyId}?format=zip");
        zip.StatusCode.ShouldBe(HttpStatusCode.OK);
        var bytes = await zip.Content.ReadAsByteArrayAsync();
        bytes.Length.ShouldBeGreaterThan(1000);
        bytes[..2].ShouldBe("PK"u8.ToArray());
    }

    private static Task WaitForManagedOrthancAsync(PortalHost portal)
    {
        var state = portal.GetRequiredService<ManagedOrthancState>();
        return TestEnvironment.WaitUntilAsync(() => Task.FromResult(state.Endpoint is not null), TimeSpan.FromSeconds(90),
            $"the managed Orthanc on its PostgreSQL index is up ({state.LastError})");
    }

    private static async Task<long> CountAsync(PostgresDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
