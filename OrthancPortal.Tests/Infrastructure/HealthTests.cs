using System.Net;
using System.Text.Json.Nodes;
using OrthancPortal.Features.Access;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Infrastructure;

public sealed class HealthTests
{
    [Fact]
    public async Task Healthz_checks_the_database_and_Orthanc_and_tells_details_only_to_an_admin()
    {
        var orthanc = await OrthancProcess.StartAsync("HEALTH");
        await using var portal = await PortalHost.StartExternalAsync(orthanc);
        await portal.CreateUserAsync("health.admin", PortalFixture.Password, Roles.Admin);
        await portal.CreateUserAsync("health.viewer", PortalFixture.Password, Roles.Viewer);
        using var anonymous = portal.NewClient();
        using var viewer = await portal.SignInAsync("health.viewer", PortalFixture.Password);
        using var admin = await portal.SignInAsync("health.admin", PortalFixture.Password);

        var up = await anonymous.GetAsync("/healthz");
        up.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await up.Content.ReadAsStringAsync()).ShouldBe("Healthy");
        (await viewer.GetStringAsync("/healthz")).ShouldBe("Healthy", "only an admin sees the checks");
        var details = JsonNode.Parse(await admin.GetStringAsync("/healthz"))!;
        details["checks"]!["database"]!["status"]!.GetValue<string>().ShouldBe("Healthy");
        details["checks"]!["orthanc"]!["description"]!.GetValue<string>().ShouldStartWith("Orthanc 1.");

        await orthanc.DisposeAsync();
        var down = await anonymous.GetAsync("/healthz");
        down.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await down.Content.ReadAsStringAsync()).ShouldBe("Unhealthy", "an anonymous caller learns nothing about why");
        var downDetails = JsonNode.Parse(await (await admin.GetAsync("/healthz")).Content.ReadAsStringAsync())!;
        downDetails["checks"]!["orthanc"]!["status"]!.GetValue<string>().ShouldBe("Unhealthy");
        downDetails["checks"]!["database"]!["status"]!.GetValue<string>().ShouldBe("Healthy");
    }

    [Fact]
    public async Task The_portal_writes_a_log_file_under_the_data_folder()
    {
        var orthanc = await OrthancProcess.StartAsync("LOGS");
        await using (orthanc)
        await using (var portal = await PortalHost.StartExternalAsync(orthanc))
        {
            var logs = Path.Combine(portal.DataFolder, "logs");
            await TestEnvironment.WaitUntilAsync(() => Task.FromResult(Directory.Exists(logs) && Directory.GetFiles(logs, "portal-*.log").Length == 1),
                TimeSpan.FromSeconds(10), "a log file");
            var file = Directory.GetFiles(logs, "portal-*.log").Single();
            Path.GetFileName(file).ShouldBe($"portal-{DateTime.Now:yyyyMMdd}.log");
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var text = await new StreamReader(stream).ReadToEndAsync();
            text.ShouldContain("[INF]");
            // The "Logging" section filters the file as it does the console: the host sets Information, and Warning for EF
            // Core (whose migrations log at Information at every start, and every command at Debug).
            text.ShouldNotContain("[DBG]");
            text.ShouldNotContain("[VRB]");
            text.ShouldNotContain("Microsoft.EntityFrameworkCore");
        }
    }
}
