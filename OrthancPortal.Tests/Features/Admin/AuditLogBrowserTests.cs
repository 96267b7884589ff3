using Microsoft.Extensions.DependencyInjection;
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
    public async Task Settings_saved_on_a_page_are_audited_under_the_admin_who_saved_them()
    {
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        await page.GotoAsync("admin/gdt");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.FillAsync("#gdt-testdesc", "Audited change");
        await page.ClickAsync("[data-test=save]");
        await Microsoft.Playwright.Assertions.Expect(page.GetByText("Settings saved.")).ToBeVisibleAsync();

        using var scope = fixture.Portal.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<OrthancPortal.Infrastructure.Database.PortalDbContext>();
        var entry = db.Set<AuditEntry>().Where(e => e.Action == "settings.change" && e.Resource == "Gdt").OrderByDescending(e => e.Id).First();
        entry.UserName.ShouldBe(PortalFixture.AdminUser);
        entry.UserId.ShouldNotBeNull();
        entry.Details!.ShouldContain("\"Audited change\"");
        db.Set<OrthancPortal.Features.Settings.SettingsRow>().Single(r => r.Section == "Gdt").UpdatedBy.ShouldBe(PortalFixture.AdminUser);
    }
}
