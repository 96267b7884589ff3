using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Content.Pages;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Settings;
using OrthancPortal.Features.Viewers;
using OrthancPortal.Tests.Components;

namespace OrthancPortal.Tests.Features.Content;

/// <summary>The study page's viewer buttons: one per viewer an admin enabled, each opening the study in a new tab.</summary>
public sealed class ViewerMenuTests : DatabaseComponentTest
{

    public ViewerMenuTests()
    {
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        Services.AddSingleton<SettingsStore>();
    }

    private static readonly OrthancStudy Study = new("study-1", "patient-1",
        new Dictionary<string, string> { ["StudyInstanceUID"] = "1.2.3.4" }, new Dictionary<string, string> { ["PatientID"] = "P1" },
        ["series-1", "series-2"], true, null);

    private void Viewers(params ViewerLink[] links)
        => Database.Add(new SettingsRow { Section = ViewerSettings.SectionName, Json = JsonSerializer.Serialize(new ViewerSettings { Links = [.. links] }), UpdatedAt = DateTime.UtcNow });

    [Fact]
    public void Each_enabled_viewer_opens_the_study_in_a_new_tab_and_disabled_ones_are_not_offered()
    {
        Viewers(
            new ViewerLink { Name = "OHIF", Template = ViewerSettings.OhifTemplate },
            new ViewerLink { Name = "Stone", Template = "{PortalUrl}stone-webviewer/index.html?study={StudyInstanceUID}", Enabled = false },
            new ViewerLink { Name = "Web Viewer", Template = "{PortalUrl}web-viewer/app/viewer.html?series={SeriesId}" });

        var menu = Render<ViewerMenu>(p => p.Add(m => m.Study, Study));

        var links = menu.FindAll("[data-test=viewer-link]");
        links.Select(l => l.TextContent.Trim()).ShouldBe(["OHIF", "Web Viewer"]);
        links[0].GetAttribute("href").ShouldBe("http://localhost/ohif/viewer?StudyInstanceUIDs=1.2.3.4");
        links[1].GetAttribute("href").ShouldBe("http://localhost/web-viewer/app/viewer.html?series=series-1");
        links.ShouldAllBe(l => l.GetAttribute("target") == "_blank" && l.GetAttribute("rel") == "noopener");
        links[0].GetAttribute("aria-label").ShouldBe("Open in OHIF");
    }

    [Fact]
    public void With_every_viewer_turned_off_there_are_no_buttons_at_all()
    {
        Viewers(new ViewerLink { Name = "OHIF", Template = ViewerSettings.OhifTemplate, Enabled = false });
        Render<ViewerMenu>(p => p.Add(m => m.Study, Study)).FindAll("[data-test=viewers]").ShouldBeEmpty();
    }
}
