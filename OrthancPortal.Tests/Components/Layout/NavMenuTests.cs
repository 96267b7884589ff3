using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using OrthancPortal.Components.Layout;

namespace OrthancPortal.Tests.Components.Layout;

/// <summary>The drawer's menu: only what the user may open, daily work first in its order, administration in one group
/// with its sections, and that group open on an administration page.</summary>
public sealed class NavMenuTests : PortalComponentTest
{

    public NavMenuTests()
    {
        Services.AddNavItem(new NavItem("Import", "import", Icons.Material.Filled.Upload, "Import", 20));
        Services.AddNavItem(new NavItem("Studies", "content/studies", Icons.Material.Filled.List, "ViewContent", 10));
        Services.AddNavItem(new NavItem("Burner", "burner", Icons.Material.Filled.Album, "Burner", 30));
        Services.AddNavItem(new NavItem("Overview", "admin", Icons.Material.Filled.Dashboard, "Admin", 100, NavArea.Administration));
        Services.AddNavItem(new NavItem("Users", "admin/users", Icons.Material.Filled.People, "Admin", 110, NavArea.Administration, AdminSection.Access));
        Services.AddNavItem(new NavItem("Audit log", "admin/audit", Icons.Material.Filled.History, "Admin", 120, NavArea.Administration, AdminSection.System));
    }

    private IRenderedComponent<NavMenu> RenderFor(string at, params string[] policies)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("u");
        auth.SetPolicies(policies);
        Services.GetRequiredService<NavigationManager>().NavigateTo(at);
        return Render<NavMenu>();
    }

    private static IEnumerable<string?> Links(IRenderedComponent<NavMenu> menu) => menu.FindAll("a").Select(a => a.GetAttribute("href"));

    [Fact]
    public void A_user_sees_only_the_daily_entries_they_may_open_in_menu_order_and_no_administration()
    {
        var menu = RenderFor("", "ViewContent", "Burner");
        Links(menu).ShouldBe(["content/studies", "burner"]);
        menu.FindAll("[data-test=nav-admin]").ShouldBeEmpty();
    }

    [Fact]
    public void An_admin_gets_one_Administration_group_with_its_sections_after_the_daily_work()
    {
        var menu = RenderFor("", "ViewContent", "Import", "Burner", "Admin");
        Links(menu).ShouldBe(["content/studies", "import", "burner", "admin", "admin/users", "admin/audit"]);
        var group = menu.Find("[data-test=nav-admin]");
        group.TextContent.ShouldContain("Administration");
        menu.FindAll(".portal-nav-section").Select(s => s.TextContent).ShouldBe(["Users and access", "System"]);
    }

    [Fact]
    public void The_Administration_group_is_closed_on_a_daily_page()
        => RenderFor("content/studies", "ViewContent", "Admin").Find("[data-test=nav-admin] [aria-expanded]").GetAttribute("aria-expanded").ShouldBe("false");

    [Fact]
    public void The_Administration_group_is_open_on_an_administration_page_so_the_current_entry_shows()
        => RenderFor("admin/users", "ViewContent", "Admin").Find("[data-test=nav-admin] [aria-expanded]").GetAttribute("aria-expanded").ShouldBe("true");

    [Fact]
    public void Going_to_an_administration_page_opens_the_group()
    {
        var menu = RenderFor("content/studies", "ViewContent", "Admin");
        Services.GetRequiredService<NavigationManager>().NavigateTo("admin/audit");
        menu.WaitForAssertion(() => menu.Find("[data-test=nav-admin] [aria-expanded]").GetAttribute("aria-expanded").ShouldBe("true"), Patience);
    }
}
