using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Settings;
using OrthancPortal.Features.Worklists;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Worklists;

public sealed class WorklistAnyAetTests
{
    [Fact]
    public async Task A_modality_the_managed_Orthanc_does_not_know_gets_its_worklist_under_the_default_setting()
    {
        await using var portal = await PortalHost.StartManagedAsync();
        var state = portal.GetRequiredService<ManagedOrthancState>();
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(state.Endpoint is not null), TimeSpan.FromSeconds(60), "the managed Orthanc is up");
        var orthanc = await portal.GetRequiredService<SettingsStore>().GetAsync<OrthancSettings>();
        orthanc.WorklistFromAnyAet.ShouldBeTrue();

        using (var scope = portal.Services.CreateScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<WorklistService>().CreateAsync(new WorklistInput
            {
                PatientId = "WLANY1", LastName = "Neu", FirstName = "Nora", BirthDate = new DateTime(1980, 5, 6), Sex = "F",
                Modality = "US", StationAet = "US01", Procedure = "Abdomen", Physician = "Doc^Dan", ScheduledAt = DateTime.Now,
            }, Actor.System);
            result.Succeeded.ShouldBeTrue(string.Join("; ", result.Errors));
        }

        var folder = TestEnvironment.NewTempFolder("findscu-any");
        try
        {
            // An AE title registered nowhere: Orthanc would abort the association without DicomAlwaysAllowFindWorklist.
            await TestEnvironment.RunAsync("findscu",
                ["-W", "-X", "-aet", "BRANDNEWUS", "-aec", orthanc.DicomAet, "-k", "PatientName", "-k", "PatientID", "-k", "AccessionNumber",
                 "127.0.0.1", orthanc.DicomPort.ToString()], workingDirectory: folder);
            var answers = Directory.GetFiles(folder, "rsp*.dcm");
            answers.Length.ShouldBe(1);
            (await TestEnvironment.RunAsync("dcmdump", [answers[0]])).Output.ShouldContain("[WLANY1]");
        }
        finally
        {
            TestEnvironment.DeleteQuietly(folder);
        }
    }
}
