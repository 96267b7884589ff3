using System.Net;
using System.Net.Http.Json;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Burner;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Burner;

/// <summary>The burner end to end: storescu into a real Orthanc, the change feed, real media, and a disc-producer simulator.</summary>
public sealed class BurnerIntegrationTests(BurnerFixture fx) : IClassFixture<BurnerFixture>
{
    private BurnerSimulator Sim => fx.Simulator;

    private Task SendAsync(SyntheticStudy study) => TestDicom.SendAsync(study, fx.Local.DicomPort, fx.Local.Aet);

    private IEnumerable<BurnerSimulator.Request> RequestsFor(BurnerJob job) => Sim.Requests.Where(r => r.Name == job.RequestName);

    [Fact]
    public async Task A_study_sent_by_storescu_is_burned_once()
    {
        var study = TestDicom.Study(TestDicom.Patient("BURN1", "Once^Anna", "19650312"), "CT", instances: 3, description: "CT Thorax");
        await SendAsync(study);

        var job = await fx.WaitForJobAsync("BURN1", BurnerJobState.Done);
        job.Trigger.ShouldBe(BurnTrigger.Auto);
        job.DiscType.ShouldBe("CD");
        var request = RequestsFor(job).ShouldHaveSingleItem();
        request.Extension.ShouldBe(".JDF");
        request.Text.ShouldContain($"JOB_ID={job.RequestName}\r\n");
        request.Text.ShouldContain($"LABEL={fx.LabelFile}\r\n");
        request.DataFiles.ShouldContain("DICOMDIR");
        request.DataFiles.Count(f => f.StartsWith("IMAGES")).ShouldBe(3);
        request.DatText.ShouldNotBeNull().ShouldContain("patientName=Once Anna\r\n");
        request.DatText.ShouldContain("patientDOB=12.03.1965\r\n");
        request.DatText.ShouldContain($"accessionNumber={study.Accession}\r\n");
        request.DatText.ShouldContain("modalities=CT\r\n");
        File.Exists(Path.Combine(fx.Monitored, job.RequestName + ".DON")).ShouldBeTrue();

        // More polls and rescans must not add a second disc, and the job folder is cleaned after the burn.
        await fx.Portal.WaitForChangeFeedAsync();
        (await fx.JobsForPatientAsync("BURN1")).ShouldHaveSingleItem();
        Directory.Exists(job.JobFolder).ShouldBeFalse();
    }

    [Fact]
    public async Task At_patient_level_two_studies_of_a_patient_go_on_one_disc()
    {
        await fx.ChangeSettingsAsync(s => s.Level = BurnLevel.Patient);
        var folder = TestEnvironment.NewTempFolder("burner-two");
        try
        {
            var patient = TestDicom.Patient("BURN2", "Two^Studies", "19801124");
            var ct = TestDicom.Study(patient, "CT", instances: 2, date: "20240201", description: "CT Thorax");
            var mr = TestDicom.Study(patient, "MR", instances: 2, date: "20240205", description: "MR Knie");
            TestDicom.WriteFiles(ct, folder);
            TestDicom.WriteFiles(mr, folder);
            // One association, so Orthanc calls the patient stable once, after both studies.
            await StoreScu.SendAsync(folder, fx.Local.DicomPort, fx.Local.Aet);

            var job = await fx.WaitForJobAsync("BURN2", BurnerJobState.Done);
            job.StudyCount.ShouldBe(2);
            var request = RequestsFor(job).ShouldHaveSingleItem();
            request.DataFiles.Count(f => f.StartsWith("IMAGES")).ShouldBe(4);
            request.DatText.ShouldNotBeNull().ShouldContain("numberOfStudies=2\r\nstudyDate=01.02.2024\r\nstudyDescription=CT Thorax\r\n");
            request.DatText.ShouldContain("modalities=CT,MR\r\nstudyDate2=05.02.2024\r\nstudyDescription2=MR Knie\r\n");
            await fx.Portal.WaitForChangeFeedAsync();
            (await fx.JobsForPatientAsync("BURN2")).ShouldHaveSingleItem();
        }
        finally
        {
            await fx.ChangeSettingsAsync(s => s.Level = BurnLevel.Study);
            TestEnvironment.DeleteQuietly(folder);
        }
    }

    [Fact]
    public async Task An_error_from_the_disc_software_shows_as_error()
    {
        Sim.FailWhen = r => r.DatText?.Contains("patientId=BURNERR") == true;
        try
        {
            await SendAsync(TestDicom.Study(TestDicom.Patient("BURNERR", "Error^Eve"), "MR", instances: 2));
            var job = await fx.WaitForJobAsync("BURNERR", BurnerJobState.Error);
            job.Detail.ShouldNotBeNull().ShouldContain("error");
            File.Exists(Path.Combine(fx.Monitored, job.RequestName + ".ERR")).ShouldBeTrue();
        }
        finally { Sim.FailWhen = _ => false; }
    }

    [Theory]
    [InlineData(DiscProducer.Epson, "BURNCANE", ".JCF")]
    [InlineData(DiscProducer.Primera, "BURNCANP", ".PTM")]
    public async Task Cancel_writes_the_cancel_file_of_the_producer(DiscProducer producer, string patientId, string extension)
    {
        // Primera prints no .tdd template: that producer runs without a label here.
        await fx.ChangeSettingsAsync(s => { s.Manufacturer = producer; s.LabelFile = producer == DiscProducer.Epson ? fx.LabelFile : ""; });
        Sim.Hold = true;
        try
        {
            await SendAsync(TestDicom.Study(TestDicom.Patient(patientId, "Cancel^Carl"), "CT", instances: 1));
            var job = await fx.WaitForJobAsync(patientId, BurnerJobState.InProgress);
            RequestsFor(job).ShouldHaveSingleItem().Extension.ShouldBe(producer == DiscProducer.Epson ? ".JDF" : ".JRQ");

            using var user = await fx.SignInAsync(PortalFixture.StandardUser);
            (await user.PostAsync($"api/burner/jobs/{job.Id}/cancel", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

            var cancelled = await fx.WaitForJobAsync(patientId, BurnerJobState.Cancelled);
            var file = Sim.CancelFiles.Where(f => f.FileName == job.RequestName + extension).ShouldHaveSingleItem();
            file.Text.ShouldBe(producer == DiscProducer.Epson ? $"[CANCEL]\r\nJOB_ID={job.RequestName}\r\n" : $"Message = ABORT\r\nClientID = {DiscRequestWriter.ClientId}\r\n");
            cancelled.CancelRequested.ShouldBeTrue();
            (await fx.AuditAsync("burner.cancel")).ShouldContain(a => a.Resource == $"burner/jobs/{job.Id}" && a.UserName == PortalFixture.StandardUser);
        }
        finally
        {
            Sim.Hold = false;
            await fx.ChangeSettingsAsync(s => { s.Manufacturer = DiscProducer.Epson; s.LabelFile = fx.LabelFile; });
        }
    }

    [Fact]
    public async Task A_study_that_arrives_while_the_portal_is_stopped_is_burned_once_after_it_starts()
    {
        await fx.Portal.StopAsync();
        try
        {
            await SendAsync(TestDicom.Study(TestDicom.Patient("BURNDOWN", "Down^Dora"), "CT", instances: 2));
            await TestEnvironment.WaitUntilAsync(async () => (await fx.Local.GetJsonAsync("studies?expand")).AsArray()
                .Any(st => st!["PatientMainDicomTags"]!["PatientID"]!.GetValue<string>() == "BURNDOWN" && st["IsStable"]!.GetValue<bool>()),
                TimeSpan.FromSeconds(30), "Orthanc calls the study stable while the portal is down");
        }
        finally { await fx.Portal.StartAsync(); }

        var job = await fx.WaitForJobAsync("BURNDOWN", BurnerJobState.Done);
        await fx.Portal.RestartAsync();
        await fx.Portal.WaitForChangeFeedAsync();
        (await fx.JobsForPatientAsync("BURNDOWN")).ShouldHaveSingleItem().Id.ShouldBe(job.Id);
        RequestsFor(job).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_missing_monitored_folder_fails_the_job_with_the_reason_and_the_next_job_still_runs()
    {
        var gone = Path.Combine(fx.Monitored, "unplugged-share");
        await fx.ChangeSettingsAsync(s => s.MonitoredFolder = gone);
        try
        {
            await SendAsync(TestDicom.Study(TestDicom.Patient("BURNMISS1", "Miss^Ing"), "CT", instances: 1));
            var failed = await fx.WaitForJobAsync("BURNMISS1", BurnerJobState.Failed);
            failed.Detail.ShouldNotBeNull().ShouldContain($"'{gone}' does not exist");
        }
        finally { await fx.ChangeSettingsAsync(s => s.MonitoredFolder = fx.Monitored); }

        await SendAsync(TestDicom.Study(TestDicom.Patient("BURNMISS2", "Next^One"), "CT", instances: 1));
        await fx.WaitForJobAsync("BURNMISS2", BurnerJobState.Done);
        (await fx.JobsForPatientAsync("BURNMISS1")).ShouldHaveSingleItem().State.ShouldBe(BurnerJobState.Failed);
    }

    [Fact]
    public async Task After_a_good_burn_the_study_can_be_deleted_from_Orthanc_and_it_is_audited()
    {
        await fx.ChangeSettingsAsync(s => s.DeleteAfterBurn = true);
        try
        {
            await SendAsync(TestDicom.Study(TestDicom.Patient("BURNDEL", "Delete^Dan"), "CT", instances: 1));
            var job = await fx.WaitForJobAsync("BURNDEL", BurnerJobState.Done);
            var studyId = job.StudyIds.ShouldHaveSingleItem();
            await TestEnvironment.WaitUntilAsync(async () => (await fx.JobsForPatientAsync("BURNDEL")).Single().DeletedFromOrthanc, TimeSpan.FromSeconds(10), "deleted flag");
            (await fx.Local.Http.GetAsync($"studies/{studyId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await fx.AuditAsync("burner.delete-study")).ShouldContain(a => a.Resource == $"studies/{studyId}" && a.Success);
        }
        finally { await fx.ChangeSettingsAsync(s => s.DeleteAfterBurn = false); }
    }

    [Fact]
    public async Task Burn_this_study_needs_the_burner_permission_and_refuses_a_bad_id()
    {
        using var viewer = await fx.SignInAsync(PortalFixture.ViewerUser);
        var study = TestDicom.Study(TestDicom.Patient("BURNPERM", "Perm^Pia"), "CT", instances: 1);
        await fx.Local.Http.PostAsync("instances", new ByteArrayContent(OrthancPortal.Infrastructure.Dicom.DicomFileWriter.Write(
            TestDicom.Instance(study, study.Series[0], 1, "1.2.3.4.5.6.7"), study.Series[0].SopClassUid, "1.2.3.4.5.6.7")));
        var studyId = (await fx.Local.GetJsonAsync("studies")).AsArray().Select(n => n!.GetValue<string>())
            .First(id => fx.Local.GetJsonAsync($"studies/{id}").GetAwaiter().GetResult()["PatientMainDicomTags"]!["PatientID"]!.GetValue<string>() == "BURNPERM");
        var refused = await viewer.PostAsync($"api/burner/studies/{studyId}/burn", null);
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        // The automatic burn of the new study may come; a manual job by the viewer never does.
        await fx.Portal.WaitForChangeFeedAsync();
        (await fx.JobsForPatientAsync("BURNPERM")).ShouldNotContain(j => j.Trigger == BurnTrigger.Manual);
        using var user = await fx.SignInAsync(PortalFixture.StandardUser);
        var bad = await user.PostAsync("api/burner/studies/..%2Fsystem/burn", null);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var missing = await user.PostAsync("api/burner/studies/0123abcd-0123abcd-0123abcd-0123abcd-0123abcd/burn", null);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await missing.Content.ReadAsStringAsync()).ShouldContain("no study");
        var accepted = await user.PostAsync($"api/burner/studies/{studyId}/burn", null);
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var jobId = (await accepted.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["jobId"]!.GetValue<long>();
        var manual = (await fx.JobsForPatientAsync("BURNPERM")).Single(j => j.Id == jobId);
        manual.Trigger.ShouldBe(BurnTrigger.Manual);
        manual.RequestedBy.ShouldBe(PortalFixture.StandardUser);
    }
}
