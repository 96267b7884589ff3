using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Gdt;
using OrthancPortal.Features.Settings;
using OrthancPortal.Features.Worklists;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Worklists;

public abstract class WorklistApiTests(WorklistFixture fixture)
{
    private static string Query(string key, string id, string birthdate = "01.02.1970", string sex = "2", string? lastname = "Weiß", string modality = "US")
        => $"worklist/add?key={Uri.EscapeDataString(key)}&id={Uri.EscapeDataString(id)}&lastname={Uri.EscapeDataString(lastname ?? "")}&firstname={Uri.EscapeDataString("Zoë")}" +
           $"&birthdate={Uri.EscapeDataString(birthdate)}&sex={sex}&modality={modality}&scheduledStation=US01&procedure=Abdomen&physician={Uri.EscapeDataString("Mustermann^Max")}";

    private static string AccessionOf(string gdt) => Regex.Match(gdt, @"8428(R\d{10})\r\n").Groups[1].Value;

    [Fact]
    public async Task A_valid_key_adds_an_entry_answers_GDT_and_writes_a_wl_that_dcmdump_and_findscu_read()
    {
        using var ais = fixture.Portal.NewClient();
        var response = await ais.GetAsync(Query(fixture.ApiKey, "WLAPI1"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        var gdt = Encoding.Latin1.GetString(await response.Content.ReadAsByteArrayAsync());
        gdt.ShouldStartWith("01380006310\r\n");
        gdt.ShouldContain("3000WLAPI1\r\n");
        gdt.ShouldContain("3101Weiß\r\n");
        gdt.ShouldContain("3102Zoë\r\n");
        gdt.ShouldContain("310301021970\r\n");
        var accession = AccessionOf(gdt);
        accession.ShouldMatch(@"^R\d{10}$");
        gdt.ShouldContain($"6228{accession} / US: Abdomen\r\n");

        var entry = (await fixture.WithServiceAsync(s => s.FindAsync(accession)))!;
        entry.ShouldNotBeNull();
        entry.PatientName.ShouldBe("Weiß^Zoë");
        entry.BirthDate.ShouldBe("19700201");
        entry.Sex.ShouldBe("F");
        var file = Path.Combine(fixture.Local.WorklistFolder, $"{accession}.wl");
        File.Exists(file).ShouldBeTrue();
        (File.GetUnixFileMode(file) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)).ShouldBe((UnixFileMode)0);

        var (exit, dump) = await TestEnvironment.RunAsync("dcmdump", ["-dc", file]);
        exit.ShouldBe(0);
        dump.ShouldNotContain("W: ");
        dump.ShouldNotContain("E: ");
        dump.ShouldContain("(0008,0005) CS [ISO_IR 192]");
        // 11 characters, padded to an even length with a space.
        dump.ShouldContain($"(0008,0050) SH [{accession} ]");
        dump.ShouldContain("(0010,0010) PN [Weiß^Zoë]");
        dump.ShouldContain("(0040,0100) SQ");
        dump.ShouldContain("(0040,0001) AE [US01]");

        // A modality asking the real Orthanc worklist plugin, by patient ID and by modality.
        var byPatient = await FindScuAsync("-k", "PatientID=WLAPI1", "-k", "ScheduledProcedureStepSequence[0].Modality");
        byPatient.ShouldContain("Weiß^Zoë");
        byPatient.ShouldContain(accession);
        var byModality = await FindScuAsync("-k", "PatientID", "-k", "ScheduledProcedureStepSequence[0].Modality=US");
        byModality.ShouldContain("Weiß^Zoë");
        byModality.ShouldContain(accession);

        using var scope = fixture.Portal.Services.CreateScope();
        var audit = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<AuditEntry>()
            .Where(a => a.Action == "worklist.add" && a.Resource == accession).SingleAsync();
        audit.UserName.ShouldBe("api:test AIS");
        audit.Address.ShouldBe("127.0.0.1");
    }

    [Fact]
    public async Task Without_a_valid_key_the_answer_is_401_and_nothing_is_written()
    {
        var before = fixture.WorklistFiles().Length;
        using var ais = fixture.Portal.NewClient();
        (await ais.GetAsync(Query("", "WLNOKEY"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await ais.GetAsync(Query("wl_not-a-key", "WLNOKEY"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var revoked = await fixture.CreateApiKeyAsync("revoked client");
        (await ais.GetAsync(Query(revoked, "WLNOKEY"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var scope = fixture.Portal.Services.CreateScope())
        {
            var keys = scope.ServiceProvider.GetRequiredService<WorklistApiKeyService>();
            var row = (await keys.ListAsync()).Single(k => k.Client == "revoked client");
            (await keys.RevokeAsync(row.Id, Actor.System)).ShouldBeTrue();
        }
        (await ais.GetAsync(Query(revoked, "WLNOKEY2"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        fixture.WorklistFiles().Length.ShouldBe(before + 1);
        (await fixture.WithServiceAsync(s => s.ListUpcomingAsync())).Count(e => e.PatientId == "WLNOKEY2").ShouldBe(0);
        // The header works as well as the parameter.
        using var request = new HttpRequestMessage(HttpMethod.Get, Query("", "WLHEADER").Replace("key=&", ""));
        request.Headers.Add("X-Api-Key", fixture.ApiKey);
        (await ais.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("31.02.1970", "2", "Weiß", "birthdate")]
    [InlineData("1970-01-01", "2", "Weiß", "birthdate")]
    [InlineData("01.01.1970", "7", "Weiß", "sex")]
    [InlineData("01.01.1970", "1", "", "last name")]
    public async Task Invalid_input_gives_400_with_the_reason_and_writes_nothing(string birthdate, string sex, string lastname, string reason)
    {
        var before = fixture.WorklistFiles().Length;
        using var ais = fixture.Portal.NewClient();
        var response = await ais.GetAsync(Query(fixture.ApiKey, "WLBAD", birthdate, sex, lastname));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain(reason, Case.Insensitive);
        fixture.WorklistFiles().Length.ShouldBe(before);
        (await fixture.WithServiceAsync(s => s.ListUpcomingAsync())).ShouldNotContain(e => e.PatientId == "WLBAD");
    }

    [Fact]
    public async Task Fifty_concurrent_calls_get_fifty_distinct_accession_numbers()
    {
        using var ais = fixture.Portal.NewClient();
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            using var response = await ais.GetAsync(Query(fixture.ApiKey, $"WLCONC{i}", modality: "CT"));
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            return AccessionOf(Encoding.Latin1.GetString(await response.Content.ReadAsByteArrayAsync()));
        }));

        answers.Distinct().Count().ShouldBe(50);
        answers.ShouldAllBe(a => File.Exists(Path.Combine(fixture.Local.WorklistFolder, a + ".wl")));
        (await fixture.WithServiceAsync(s => s.ListUpcomingAsync())).Count(e => e.PatientId.StartsWith("WLCONC")).ShouldBe(50);
    }

    [Fact]
    public async Task Cleanup_removes_past_entries_and_entries_whose_study_arrived_and_keeps_open_ones_of_today()
    {
        var actor = Actor.System;
        var yesterday = await fixture.WithServiceAsync(s => s.CreateAsync(Input("WLOLD", DateTime.Now.AddDays(-1)), actor));
        var arrived = await fixture.WithServiceAsync(s => s.CreateAsync(Input("WLDONE", DateTime.Now), actor));
        var open = await fixture.WithServiceAsync(s => s.CreateAsync(Input("WLOPEN", DateTime.Now.Date.AddHours(23).AddMinutes(59)), actor));
        var study = TestDicom.Study(TestDicom.Patient("WLDONE", "Done^Dora"), "US", instances: 1, accession: arrived.Entry!.AccessionNumber);
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);

        await fixture.WithServiceAsync(s => s.CleanupAsync());

        File.Exists(Path.Combine(fixture.Local.WorklistFolder, yesterday.Entry!.FileName)).ShouldBeFalse();
        File.Exists(Path.Combine(fixture.Local.WorklistFolder, arrived.Entry.FileName)).ShouldBeFalse();
        File.Exists(Path.Combine(fixture.Local.WorklistFolder, open.Entry!.FileName)).ShouldBeTrue();
        (await fixture.WithServiceAsync(s => s.FindAsync(yesterday.Entry.AccessionNumber))).ShouldBeNull();
        (await fixture.WithServiceAsync(s => s.FindAsync(arrived.Entry.AccessionNumber))).ShouldBeNull();
        (await fixture.WithServiceAsync(s => s.FindAsync(open.Entry.AccessionNumber))).ShouldNotBeNull();
    }

    private static WorklistInput Input(string patientId, DateTime scheduled) => new()
    {
        PatientId = patientId, LastName = "Test", FirstName = "Tina", BirthDate = new DateTime(1980, 5, 6), Sex = "F",
        Modality = "US", StationAet = "US01", Procedure = "Abdomen", Physician = "Doc^Dan", ScheduledAt = scheduled,
    };

    /// <summary>
    /// findscu -W against the Orthanc worklist plugin. Orthanc answers in its own default charset (Latin-1 here),
    /// so the responses are dumped converted to UTF-8 from the charset they declare.
    /// </summary>
    private async Task<string> FindScuAsync(params string[] keys)
    {
        var folder = TestEnvironment.NewTempFolder("findscu");
        try
        {
            await TestEnvironment.RunAsync("findscu",
                ["-W", "-X", "-aet", WorklistFixture.ModalityAet, "-aec", fixture.Local.Aet, "-k", "SpecificCharacterSet=ISO_IR 192", "-k", "PatientName", "-k", "AccessionNumber", .. keys,
                 "127.0.0.1", fixture.Local.DicomPort.ToString()], workingDirectory: folder);
            var dumps = new StringBuilder();
            foreach (var rsp in Directory.GetFiles(folder, "rsp*.dcm")) dumps.AppendLine((await TestEnvironment.RunAsync("dcmdump", ["+U8", rsp])).Output);
            return dumps.ToString();
        }
        finally
        {
            TestEnvironment.DeleteQuietly(folder);
        }
    }

    /// <summary>These tests on the portal's default database.</summary>
    public sealed class OnSqlite(WorklistFixture fixture) : WorklistApiTests(fixture), IClassFixture<WorklistFixture>;

    /// <summary>The same tests with the portal's database on PostgreSQL.</summary>
    public sealed class OnPostgres(PostgresWorklistFixture fixture) : WorklistApiTests(fixture), IClassFixture<PostgresWorklistFixture>;
}

public sealed class WorklistWebhookAndScheduleTests(WorklistFixture fixture) : IClassFixture<WorklistFixture>
{
    [Fact]
    public async Task Webhooks_are_called_and_recorded_and_a_failing_one_undoes_nothing()
    {
        using var listener = new System.Net.HttpListener();
        var port = TestEnvironment.FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var called = new TaskCompletionSource<string>();
        _ = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            called.TrySetResult($"{context.Request.HttpMethod} {context.Request.Url!.PathAndQuery}");
            context.Response.StatusCode = 200;
            context.Response.Close();
        });

        using (var scope = fixture.Portal.Services.CreateScope())
        {
            var settings = scope.ServiceProvider.GetRequiredService<SettingsStore>();
            var worklists = await settings.GetAsync<WorklistSettings>();
            worklists.UrlOnWorklistEntryAdded = $"http://127.0.0.1:{port}/lights?dim=1";
            await settings.SaveAsync(worklists, Actor.System);
            var gdt = await settings.GetAsync<GdtSettings>();
            // Nothing listens there: the call fails, and the GDT file must stay.
            gdt.UrlOnGdtWritten = $"http://127.0.0.1:{TestEnvironment.FreePort()}/shutters";
            await settings.SaveAsync(gdt, Actor.System);
        }

        using var ais = fixture.Portal.NewClient();
        var response = await ais.GetAsync($"worklist/add?key={Uri.EscapeDataString(fixture.ApiKey)}&id=HOOK1&lastname=Haken&birthdate=01.01.1980&sex=1");
        response.EnsureSuccessStatusCode();
        (await called.Task.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBe("GET /lights?dim=1");
        await TestEnvironment.WaitUntilAsync(async () => (await fixture.WithServiceAsync(s => s.ListUpcomingAsync())).Single(e => e.PatientId == "HOOK1").WebhookResult == "200 OK",
            TimeSpan.FromSeconds(10), "the webhook answer is recorded on the entry");

        var study = TestDicom.Study(TestDicom.Patient("HOOK2", "Haken^Hugo"), "US", instances: 1, accession: "ACCHOOK2");
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);
        var path = Path.Combine(fixture.GdtFolder, "ACCHOOK2.gdt");
        await TestEnvironment.WaitUntilAsync(async () =>
        {
            using var scope = fixture.Portal.Services.CreateScope();
            var row = (await scope.ServiceProvider.GetRequiredService<GdtService>().ListAsync(100)).FirstOrDefault(f => f.Accession == "ACCHOOK2");
            return row?.WebhookResult?.StartsWith("failed") == true;
        }, TimeSpan.FromSeconds(30), "the failed GDT webhook is recorded");
        File.Exists(path).ShouldBeTrue();
    }

    [Fact]
    public async Task Cleanup_runs_on_the_interval_set_in_settings_and_stops_when_unset()
    {
        var past = await fixture.WithServiceAsync(s => s.CreateAsync(new WorklistInput
        {
            PatientId = "SCHED1", LastName = "Gestern", Sex = "O", Modality = "US", StationAet = "US01", ScheduledAt = DateTime.Now.AddDays(-1),
        }, Actor.System));
        var file = Path.Combine(fixture.Local.WorklistFolder, past.Entry!.FileName);
        File.Exists(file).ShouldBeTrue("cleanup is off in this fixture");

        using (var scope = fixture.Portal.Services.CreateScope())
        {
            var settings = scope.ServiceProvider.GetRequiredService<SettingsStore>();
            var worklists = await settings.GetAsync<WorklistSettings>();
            worklists.CleanupIntervalSeconds = 1;
            await settings.SaveAsync(worklists, Actor.System);
            await TestEnvironment.WaitUntilAsync(() => Task.FromResult(!File.Exists(file)), TimeSpan.FromSeconds(15), "the scheduled cleanup removes yesterday's entry");
            worklists.CleanupIntervalSeconds = null;
            await settings.SaveAsync(worklists, Actor.System);
        }
        (await fixture.WithServiceAsync(s => s.FindAsync(past.Entry.AccessionNumber))).ShouldBeNull();
    }
}
