using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrthancPortal.Features.Audit;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Admin;

public sealed class AuditLogBrowserTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task An_admin_filters_the_audit_log_to_one_users_deletions_and_downloads_the_CSV()
    {
        using (var scope = fixture.Portal.Services.CreateScope())
        {
            var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
            var user1 = new Actor("u1", PortalFixture.StandardUser, "10.0.0.5");
            await audit.WriteAsync(user1, "study.delete", "study:1.2.3.1", "CT Thorax");
            await audit.WriteAsync(user1, "study.delete", "study:1.2.3.2", "=HYPERLINK(\"x\")");
            await audit.WriteAsync(user1, "study.view", "study:1.2.3.3");
            await audit.WriteAsync(new Actor("a1", PortalFixture.AdminUser, "10.0.0.6"), "study.delete", "study:1.2.3.4");
        }

        // The dates come in the address (as links from other pages give them); user and action through the form.
        var today = DateTime.Now.ToString("yyyy-MM-dd");
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        await page.GotoAsync($"admin/audit?from={today}&to={today}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.FillAsync("#f-user", PortalFixture.StandardUser);
        await page.FillAsync("#f-action", "delete");
        await page.ClickAsync("[data-test=filter-apply]");

        await page.Locator("[data-test=audit-total]").Filter(new() { HasText = "2 entries" }).WaitForAsync();
        var rows = page.Locator("[data-test=audit-row]");
        (await rows.CountAsync()).ShouldBe(2);
        for (var i = 0; i < 2; i++)
        {
            (await rows.Nth(i).GetAttributeAsync("data-action")).ShouldBe("study.delete");
            (await rows.Nth(i).GetAttributeAsync("data-user")).ShouldBe(PortalFixture.StandardUser);
        }

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-test=audit-export]"));
        download.SuggestedFilename.ShouldStartWith("audit-");
        var csv = await File.ReadAllLinesAsync((await download.PathAsync())!);
        // An English browser: commas, local times with the portal's zone named in the header.
        csv[0].ShouldStartWith("Id,At (");
        csv[0].ShouldEndWith("),User,Address,Action,Resource,Success,Details");
        var data = csv.Skip(1).Where(l => l.Length > 0).ToList();
        data.Count.ShouldBe(2);
        data.ShouldAllBe(l => l.Contains($",{PortalFixture.StandardUser},") && l.Contains(",study.delete,"));
        data.ShouldContain(l => l.Contains("study:1.2.3.1"));
        // A formula from a user's input is exported as text, not run by a spreadsheet.
        data.ShouldContain(l => l.Contains("'=HYPERLINK"));

        using var scope2 = fixture.Portal.Services.CreateScope();
        scope2.ServiceProvider.GetRequiredService<OrthancPortal.Infrastructure.Database.PortalDbContext>().Set<AuditEntry>()
            .Any(e => e.Action == "audit.export" && e.UserName == PortalFixture.AdminUser).ShouldBeTrue();
    }

    [Fact]
    public async Task In_German_MudBlazors_own_pager_and_date_picker_texts_are_German()
    {
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password, locale: "de-DE");
        await page.GotoAsync("admin/audit");
        await BrowserFixture.WaitForInteractiveAsync(page);

        // The pager: MudBlazor's "Rows per page:" and "1-25 of 40" come from PortalMudLocalizer, not from the page.
        var pager = page.Locator(".mud-table-pagination");
        await Assertions.Expect(pager).ToContainTextAsync("Zeilen pro Seite:");
        await Assertions.Expect(pager.Locator(".mud-table-pagination-caption").Last).ToHaveTextAsync(new Regex(@"^\d+–\d+ von \d+$"));
        await Assertions.Expect(pager.Locator("button[aria-label='Nächste Seite']")).ToHaveCountAsync(1);

        // The date range picker: its open button, the month navigation and the month names.
        var filter = page.Locator("[data-test=audit-filter]");
        await filter.GetByRole(AriaRole.Button, new() { Name = "Öffnen" }).ClickAsync();
        var popover = page.Locator(".mud-popover-open");
        await Assertions.Expect(popover.Locator("button[aria-label^='Vorheriger Monat']:visible").First).ToBeVisibleAsync();
        // MudBlazor may hide the "next" button of a month that is not the last one shown; its label is German all the same.
        await Assertions.Expect(popover.Locator("button[aria-label^='Nächster Monat']").First).ToHaveAttributeAsync("aria-label", new Regex(@"^Nächster Monat \(\w+ \d{4}\)$"));
        await Assertions.Expect(popover.GetByText("Mi", new() { Exact = true }).First).ToBeVisibleAsync();
        var month = DateTime.Now.ToString("MMMM", System.Globalization.CultureInfo.GetCultureInfo("de-DE"));
        await Assertions.Expect(page.Locator(".mud-popover-open").GetByText(month).First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Settings_saved_on_a_page_are_audited_under_the_admin_who_saved_them()
    {
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        await page.GotoAsync("admin/gdt");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.FillAsync("#gdt-testdesc", "Audited change");
        await page.ClickAsync("[data-test=save]");
        await Assertions.Expect(page.GetByText("Settings saved.")).ToBeVisibleAsync();

        using var scope = fixture.Portal.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<OrthancPortal.Infrastructure.Database.PortalDbContext>();
        var entry = db.Set<AuditEntry>().Where(e => e.Action == "settings.change" && e.Resource == "Gdt").OrderByDescending(e => e.Id).First();
        entry.UserName.ShouldBe(PortalFixture.AdminUser);
        entry.UserId.ShouldNotBeNull();
        entry.Details!.ShouldContain("\"Audited change\"");
        db.Set<OrthancPortal.Features.Settings.SettingsRow>().Single(r => r.Section == "Gdt").UpdatedBy.ShouldBe(PortalFixture.AdminUser);
    }
}
