using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Settings;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Orthanc;

public sealed class OrthancCapabilitiesTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task The_portal_s_Orthanc_1_12_sorts_counts_and_has_labels_and_the_admin_pages_say_so()
    {
        var capabilities = await fixture.Portal.GetRequiredService<OrthancCapabilitiesProvider>().GetAsync();
        capabilities.Version.ShouldStartWith("1.12.");
        capabilities.ApiVersion.ShouldBeGreaterThanOrEqualTo(27);
        capabilities.HasExtendedFind.ShouldBeTrue();
        capabilities.HasLabels.ShouldBeTrue();

        using var admin = await fixture.SignInAsync(PortalFixture.AdminUser);
        var system = await admin.GetStringAsync("admin/system");
        system.ShouldContain("yes (server-side sort and count)");
        var plugins = await admin.GetStringAsync("admin/plugins");
        plugins.ShouldContain("data-plugin-id=\"dicom-web\"");
        plugins.ShouldNotContain("explorer.js");
        plugins.ShouldNotContain("plugins-error");
    }
}

public sealed class LegacyOrthancCapabilitiesTests(LegacyOrthancPortalFixture fixture) : IClassFixture<LegacyOrthancPortalFixture>
{
    [Fact]
    public async Task An_external_Orthanc_1_10_has_neither_and_its_plugins_page_lists_real_plugins_only()
    {
        var capabilities = await fixture.Portal.GetRequiredService<OrthancCapabilitiesProvider>().GetAsync();
        capabilities.Version.ShouldBe(fixture.Local.Version);
        capabilities.HasExtendedFind.ShouldBeFalse();
        capabilities.HasLabels.ShouldBeFalse();

        using var admin = await fixture.SignInAsync(PortalFixture.AdminUser);
        (await admin.GetStringAsync("admin/system")).ShouldContain("no (Orthanc 1.12.5 or newer sorts and counts studies)");
        var plugins = await admin.GetStringAsync("admin/plugins");
        plugins.ShouldContain("data-plugin-id=\"worklists\"");
        plugins.ShouldNotContain("explorer.js");
        plugins.ShouldNotContain("plugins-error");
    }
}

public sealed class OrthancCapabilitiesRefreshTests : IAsyncLifetime
{
    private OrthancProcess current = default!;
    private OrthancProcess older = default!;
    private PortalHost portal = default!;

    public async Task InitializeAsync()
    {
        current = await OrthancProcess.StartAsync("CAPNEW");
        older = await OrthancProcess.StartAsync("CAPOLD", build: OrthancBuild.System);
        portal = await PortalHost.StartExternalAsync(current);
    }

    [Fact]
    public async Task Capabilities_follow_a_changed_connection()
    {
        var provider = portal.GetRequiredService<OrthancCapabilitiesProvider>();
        (await provider.GetAsync()).HasExtendedFind.ShouldBeTrue();

        using (var scope = portal.Services.CreateScope())
        {
            var settings = scope.ServiceProvider.GetRequiredService<SettingsStore>();
            var s = await settings.GetAsync<OrthancSettings>();
            s.ExternalUrl = older.Url.ToString();
            await settings.SaveAsync(s, OrthancPortal.Features.Audit.Actor.System);
        }
        var after = await provider.GetAsync();
        after.Version.ShouldBe(older.Version);
        after.HasExtendedFind.ShouldBeFalse();
    }

    public async Task DisposeAsync()
    {
        await portal.DisposeAsync();
        await current.DisposeAsync();
        await older.DisposeAsync();
    }
}
