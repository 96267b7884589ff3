using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Home;

/// <summary>
/// The dashboard and the administration pages converted to MudBlazor, in a browser at the desktop and the narrow
/// size (screenshot, no sideways overflow, axe), in English and German. One portal for all of them.
/// </summary>
public sealed partial class AdminPagesBrowserTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    public static TheoryData<string> Sizes => new() { "desktop", "narrow" };

    private static ViewportSize Size(string name) => name == "narrow" ? Viewports.Narrow : Viewports.Desktop;

    private async Task<IPage> OpenAsync(string path, string size, string locale = "en-GB")
    {
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password, locale, Size(size));
        await page.GotoAsync(path);
        await BrowserFixture.WaitForInteractiveAsync(page);
        return page;
    }

    [GeneratedRegex(@"^[\d.,]+ (B|KB|MB|GB|TB) of [\d.,]+ (B|KB|MB|GB|TB)$")]
    private static partial Regex FreeOfTotal();

    [GeneratedRegex(@"^[\d.,]+ (B|KB|MB|GB|TB) von [\d.,]+ (B|KB|MB|GB|TB)$")]
    private static partial Regex FreeOfTotalGerman();

    [Theory, MemberData(nameof(Sizes))]
    public async Task The_dashboard_shows_Orthanc_the_counts_disk_free_with_units_and_links_to_the_newest_studies(string size)
    {
        // A study dated far ahead is the newest whatever else the fixture holds.
        var study = await ContentTestData.StoreAsync(fixture.Local, TestDicom.Study(TestDicom.Patient($"DASH-{size}", $"Dash^{size}"), "CT", instances: 1, date: "29991231", description: "Dashboard CT"));
        var page = await OpenAsync("", size);

        await Assertions.Expect(page.Locator("[data-test=orthanc-aet]")).ToHaveTextAsync(OrthancPair.LocalAet);
        await Assertions.Expect(page.Locator("[data-test=disk-free]")).ToHaveTextAsync(FreeOfTotal());
        await Assertions.Expect(page.Locator("[data-test=disk-use]")).ToHaveTextAsync(new Regex(@"^[\d.,]+ (B|KB|MB|GB)$"));
        await Assertions.Expect(page.Locator("[data-test=tasks-running]")).ToHaveTextAsync(new Regex(@"^\d+ running$"));
        var link = page.Locator($"[data-test=recent-study][data-study-id='{study}'] a");
        await Assertions.Expect(link).ToContainTextAsync($"Dash, {size}");
        await Assertions.Expect(page.Locator($"[data-test=recent-study][data-study-id='{study}']")).ToContainTextAsync("31/12/2999");
        await PageChecks.AssertPageAsync(page, "dashboard-admin");

        await link.ClickAsync();
        await page.WaitForURLAsync(u => u.EndsWith($"/content/studies/{study}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_German_dashboard_writes_dates_and_sizes_the_German_way()
    {
        var study = await ContentTestData.StoreAsync(fixture.Local, TestDicom.Study(TestDicom.Patient("DASH-DE", "Mueller^Juergen"), "MR", instances: 1, date: "29991230"));
        var page = await OpenAsync("", "desktop", "de-DE");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Übersicht");
        await Assertions.Expect(page.Locator("[data-test=disk-free]")).ToHaveTextAsync(FreeOfTotalGerman());
        await Assertions.Expect(page.Locator($"[data-test=recent-study][data-study-id='{study}']")).ToContainTextAsync("30.12.2999");
        await Assertions.Expect(page.Locator($"[data-test=recent-study][data-study-id='{study}']")).ToContainTextAsync("Mueller, Juergen");
        await PageChecks.AssertPageAsync(page, "dashboard-de");
    }

    [Theory, MemberData(nameof(Sizes))]
    public async Task The_administration_start_page_has_one_card_per_section_with_its_pages(string size)
    {
        var page = await OpenAsync("admin", size);
        await Assertions.Expect(page.Locator("[data-test=admin-section-access] [data-test=admin-link-admin-users]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-test=admin-section-orthanc] [data-test=admin-link-admin-orthanc]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-test=admin-section-system] [data-test=admin-link-admin-audit]")).ToBeVisibleAsync();
        await PageChecks.AssertPageAsync(page, "admin-home");
        // The old settings hub address lands on the same page.
        await page.GotoAsync("admin/settings");
        await Assertions.Expect(page.Locator("[data-test=admin-sections]")).ToBeVisibleAsync();
    }

    [Theory, MemberData(nameof(Sizes))]
    public async Task The_users_page_lists_searches_and_pages_users_on_the_server(string size)
    {
        var page = await OpenAsync("admin/users", size);
        await Assertions.Expect(page.Locator($"tr:has([data-user={PortalFixture.StandardUser}])")).ToBeVisibleAsync();
        await PageChecks.AssertPageAsync(page, "users");
        await page.FillAsync("[data-test=user-search] input, input[data-test=user-search]", PortalFixture.ViewerUser);
        await Assertions.Expect(page.Locator("[data-user]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"[data-user={PortalFixture.ViewerUser}]")).ToBeVisibleAsync();
    }

    [Theory, MemberData(nameof(Sizes))]
    public async Task The_roles_page_shows_the_permission_matrix(string size)
    {
        var page = await OpenAsync("admin/roles", size);
        await Assertions.Expect(page.Locator("[data-test=permission-matrix]")).ToBeVisibleAsync();
        await PageChecks.AssertPageAsync(page, "roles");
    }

    [Theory, MemberData(nameof(Sizes))]
    public async Task The_system_page_shows_Orthanc_and_the_storage(string size)
    {
        var page = await OpenAsync("admin/system", size);
        await Assertions.Expect(page.Locator("[data-test=disk-free]")).ToHaveTextAsync(FreeOfTotal());
        await Assertions.Expect(page.Locator("[data-test=has-labels]")).ToHaveTextAsync("yes");
        await PageChecks.AssertPageAsync(page, "system");
    }

    [Theory, MemberData(nameof(Sizes))]
    public async Task The_audit_log_pages_on_the_server(string size)
    {
        var page = await OpenAsync("admin/audit", size);
        await Assertions.Expect(page.Locator("[data-test=audit-row]").First).ToBeVisibleAsync();
        await PageChecks.AssertPageAsync(page, "audit");
    }

    [Fact]
    public async Task A_German_admin_reads_audit_times_as_dd_MM_yyyy_and_German_labels()
    {
        var page = await OpenAsync("admin/audit", "desktop", "de-DE");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Audit-Protokoll");
        await Assertions.Expect(page.Locator("[data-test=filter-apply]")).ToContainTextAsync("Filtern");
        await Assertions.Expect(page.Locator("[data-test=audit-row]").First).ToHaveTextAsync(new Regex(@"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$"));
        await PageChecks.AssertPageAsync(page, "audit-de");
        await page.SetViewportSizeAsync(Viewports.Narrow.Width, Viewports.Narrow.Height);
        await PageChecks.AssertPageAsync(page, "audit-de");
    }

    [Fact]
    public async Task A_German_request_gets_the_audit_CSV_with_semicolons_a_BOM_and_local_times()
    {
        using var admin = await fixture.SignInAsync(PortalFixture.AdminUser);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/admin/audit.csv");
        request.Headers.AcceptLanguage.ParseAdd("de-DE");
        using var response = await admin.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var bytes = await response.Content.ReadAsByteArrayAsync();
        bytes.Take(3).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("Id;At (");
        lines[0].ShouldContain(");User;Address;Action;Resource;Success;Details");
        // The sign-in just made is there, its time in German: 01.12.2026 14:05:03.
        lines.Skip(1).ShouldContain(l => Regex.IsMatch(l, @"^\d+;\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2};"));
    }

    public static TheoryData<string, string, string> SettingsPages => new()
    {
        { "admin/orthanc", "orthanc-settings", "desktop" }, { "admin/orthanc", "orthanc-settings", "narrow" },
        { "admin/ldap", "ldap", "desktop" }, { "admin/ldap", "ldap", "narrow" },
        { "admin/modalities", "modalities", "desktop" }, { "admin/modalities", "modalities", "narrow" },
        { "admin/viewers", "viewers", "desktop" }, { "admin/viewers", "viewers", "narrow" },
        { "admin/jobs", "orthanc-jobs", "desktop" }, { "admin/plugins", "plugins", "narrow" },
        { "admin/held-changes", "held-changes", "desktop" },
    };

    [Theory, MemberData(nameof(SettingsPages))]
    public async Task The_other_administration_pages_pass_the_page_checks(string path, string name, string size)
    {
        var page = await OpenAsync(path, size);
        await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
        await PageChecks.AssertPageAsync(page, name);
    }
}
