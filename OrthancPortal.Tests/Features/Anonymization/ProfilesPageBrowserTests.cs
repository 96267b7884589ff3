using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Anonymization;

public sealed class ProfilesPageBrowserTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task An_admin_makes_a_profile_sees_its_rules_in_words_and_deletes_it_after_confirming()
    {
        var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password);
        await page.GotoAsync("admin/anonymization-profiles");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-profile='Default']")).ToBeVisibleAsync();

        // A bad tag is named at its field; nothing is saved.
        await page.FillAsync("input#p-name", "Research");
        await page.FillAsync("textarea#p-keep", "PatientWeight\nnot a tag");
        await page.ClickAsync("[data-test=p-save]");
        await Assertions.Expect(page.Locator("[data-test=profile-form] .mud-input-helper-text.mud-input-error")).ToContainTextAsync("'not a tag' is not a tag");

        await page.FillAsync("textarea#p-keep", "PatientWeight");
        await page.ClickAsync("[data-test=p-save]");
        var row = page.Locator("tr.profile-row", new() { Has = page.Locator("[data-profile='Research']") });
        await Assertions.Expect(row.Locator("[data-test=profile-summary]")).ToHaveTextAsync("Basic profile; keeps 1 tags; dates unchanged; random patient IDs.");
        await Features.Automation.AutomationPageParts.DismissSnackbarsAsync(page);
        await PageChecks.AssertPageAsync(page, "anonymization-profiles");

        await row.Locator("[data-test=p-delete]").ClickAsync();
        await page.Locator(".mud-dialog .mud-button", new() { HasText = "Delete" }).ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
        using (var scope = fixture.Portal.Services.CreateScope())
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            (await db.Set<AuditEntry>().CountAsync(a => a.UserName == PortalFixture.AdminUser && a.Action.StartsWith("anonymization.profile.") && a.Resource.StartsWith("Research "))).ShouldBeGreaterThanOrEqualTo(2);
        }

        var narrow = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password, viewport: Viewports.Narrow);
        await narrow.GotoAsync("admin/anonymization-profiles");
        await BrowserFixture.WaitForInteractiveAsync(narrow);
        await PageChecks.AssertPageAsync(narrow, "anonymization-profiles");
        var german = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.AdminUser, PortalFixture.Password, locale: "de-DE", viewport: Viewports.Narrow);
        await german.GotoAsync("admin/anonymization-profiles");
        await BrowserFixture.WaitForInteractiveAsync(german);
        await Assertions.Expect(german.Locator("[data-test=profile-summary]").First).ToContainTextAsync("Basisprofil");
        await PageChecks.AssertPageAsync(german, "anonymization-profiles-de");
    }
}
