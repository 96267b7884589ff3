using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Dicom;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Orthanc;

public sealed class OrthancInstallationTests
{
    [Fact]
    public void Links_in_a_tree_resolve_inside_the_tree_never_on_the_host()
    {
        var root = TestEnvironment.NewTempFolder("tree");
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "usr/lib/orthanc"));
            Directory.CreateDirectory(Path.Combine(root, "usr/share/orthanc/plugins"));
            File.WriteAllText(Path.Combine(root, "usr/lib/orthanc/libOrthancGdcm.so.1.8"), "");
            // Debian's plugin links, once absolute and once relative; and one that tries to climb out of the tree.
            File.CreateSymbolicLink(Path.Combine(root, "usr/share/orthanc/plugins/libOrthancGdcm.so"), "/usr/lib/orthanc/libOrthancGdcm.so.1.8");
            File.CreateSymbolicLink(Path.Combine(root, "usr/share/orthanc/plugins/libRelative.so"), "../../../lib/orthanc/libOrthancGdcm.so.1.8");
            File.CreateSymbolicLink(Path.Combine(root, "usr/share/orthanc/plugins/libEscape.so"), "../../../../../../../../usr/lib/orthanc/libOrthancGdcm.so.1.8");
            Directory.CreateSymbolicLink(Path.Combine(root, "lib"), "usr/lib");
            var real = Path.Combine(root, "usr/lib/orthanc/libOrthancGdcm.so.1.8");

            OrthancInstallation.ResolveInTree(root, "/usr/share/orthanc/plugins/libOrthancGdcm.so").ShouldBe(real);
            OrthancInstallation.ResolveInTree(root, "/usr/share/orthanc/plugins/libRelative.so").ShouldBe(real);
            OrthancInstallation.ResolveInTree(root, "/usr/share/orthanc/plugins/libEscape.so").ShouldBe(real);
            OrthancInstallation.ResolveInTree(root, "/lib/orthanc/libOrthancGdcm.so.1.8").ShouldBe(real);
            OrthancInstallation.ResolveInTree(root, "/../../etc/passwd").ShouldBe(Path.Combine(root, "etc/passwd"));

            var installation = new OrthancInstallation { TreeRoot = root };
            installation.FindPlugin("libOrthancGdcm.so").ShouldBe(real);
            installation.FindPlugin("libMissing.so").ShouldBeNull();
        }
        finally
        {
            TestEnvironment.DeleteQuietly(root);
        }
    }

    [Fact]
    public async Task The_managed_Orthanc_is_1_12_with_its_plugins_including_GDCM()
    {
        await using var portal = await PortalHost.StartManagedAsync();
        var state = portal.GetRequiredService<ManagedOrthancState>();
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(state.Endpoint is not null), TimeSpan.FromSeconds(60), "the managed Orthanc");
        var endpoint = state.Endpoint!;
        using var http = new HttpClient { BaseAddress = endpoint.BaseUri };
        http.DefaultRequestHeaders.Authorization = endpoint.Authorization;

        var system = (await http.GetFromJsonAsync<JsonNode>("system"))!;
        system["Version"]!.GetValue<string>().ShouldStartWith("1.12.");
        var plugins = (await http.GetFromJsonAsync<JsonArray>("plugins"))!.Select(p => p!.GetValue<string>()).ToList();
        plugins.ShouldContain("gdcm");
        plugins.ShouldContain("dicom-web");
        plugins.ShouldContain("worklists");
        plugins.ShouldContain("web-viewer");

        // GDCM writes JPEG 2000, which Orthanc's own codecs cannot: the portal offers it and the check passes.
        var capabilities = await portal.GetRequiredService<OrthancCapabilitiesProvider>().GetAsync();
        capabilities.HasGdcm.ShouldBeTrue();
        capabilities.TranscodeTargets.ShouldContain(t => t.Uid == "1.2.840.10008.1.2.4.90");
        var study = TestDicom.Study(TestDicom.Patient("GDCM1", "Gdcm^Test"), "CT", instances: 1);
        var series = study.Series[0];
        var sopUid = DicomFileWriter.NewUid();
        var content = new ByteArrayContent(DicomFileWriter.Write(TestDicom.Instance(study, series, 1, sopUid), series.SopClassUid, sopUid));
        content.Headers.ContentType = new("application/dicom");
        var stored = (await (await http.PostAsync("instances", content)).Content.ReadFromJsonAsync<JsonObject>())!;
        using var scope = portal.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<OrthancClient>().EnsureTranscodableAsync([stored["ParentStudy"]!.GetValue<string>()], "1.2.840.10008.1.2.4.90");
    }
}
