using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Export;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Export;

public sealed class ExportTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static readonly Actor Tester = new(null, "tester", null);

    [Fact]
    public async Task Sends_a_study_to_the_remote_PACS_by_C_STORE_and_by_peer_and_all_instances_arrive()
    {
        var study = TestDicom.Study(TestDicom.Patient("EXP-DICOM", "Send^Sam"), "CT", instances: 4);
        var id = await SendAndFindAsync(study);
        using var scope = fixture.Portal.Services.CreateScope();
        var exporter = scope.ServiceProvider.GetRequiredService<ExportService>();
        var orthanc = scope.ServiceProvider.GetRequiredService<OrthancClient>();

        var fractions = new List<double>();
        await exporter.SendAsync([id], new ExportTarget(ExportTargetKind.Modality, OrthancPair.RemoteModalityName), Tester, (f, _) => { fractions.Add(f); return Task.CompletedTask; });
        (await RemoteInstancesAsync(study.StudyUid)).ShouldBe(4);
        fractions.ShouldContain(1.0);

        await fixture.Remote.Http.DeleteAsync($"studies/{await RemoteStudyIdAsync(study.StudyUid)}");
        await orthanc.PutPeerAsync("remotepeer", new OrthancPeer { Url = fixture.Remote.Url.ToString(), Username = OrthancProcess.Username, Password = OrthancProcess.Password });
        await exporter.SendAsync([id], new ExportTarget(ExportTargetKind.Peer, "remotepeer"), Tester);
        (await RemoteInstancesAsync(study.StudyUid)).ShouldBe(4);
    }

    [Fact]
    public async Task Uploads_arrive_whole_on_real_WebDAV_SFTP_and_FTP_servers_and_a_folder()
    {
        await using var dav = await WebDavTestServer.StartAsync();
        await using var sftp = await SftpTestServer.StartAsync();
        await using var ftp = await FtpTestServer.StartAsync();
        var folder = TestEnvironment.NewTempFolder("dest");
        using var scope = fixture.Portal.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<DestinationStore>();
        var uploader = scope.ServiceProvider.GetRequiredService<RemoteUploader>();

        // Not a multiple of any buffer size, so a lost last chunk would show.
        var file = Path.Combine(TestEnvironment.NewTempFolder("payload"), "payload.zip");
        var bytes = new byte[3 * 1024 * 1024 + 4321];
        Random.Shared.NextBytes(bytes);
        await File.WriteAllBytesAsync(file, bytes);
        var expected = ExportTestServer.Sha256(file);

        var cases = new (DestinationInput Input, string Landing)[]
        {
            (new("dav", DestinationKind.WebDav, dav.Url + "incoming/sub", WebDavTestServer.User, WebDavTestServer.Password, null, null, false), Path.Combine(dav.UploadFolder, "incoming", "sub")),
            (new("sftp", DestinationKind.Sftp, sftp.Url + "incoming", sftp.User, null, sftp.PrivateKey, sftp.HostKeySha256, false), Path.Combine(sftp.UploadFolder, "incoming")),
            (new("ftp", DestinationKind.Ftp, ftp.Url + "incoming", "anonymous", "portal@example.org", null, null, false), Path.Combine(ftp.UploadFolder, "incoming")),
            (new("folder", DestinationKind.Folder, folder, null, null, null, null, false), folder),
        };
        foreach (var (input, landing) in cases)
        {
            var destination = await store.SaveAsync(null, input, Tester);
            if (input.Password is not null) destination.ProtectedPassword.ShouldNotBeNull().ShouldNotContain(input.Password, Case.Sensitive, "secrets are stored protected");
            var creds = await store.GetAsync(destination.Id);
            (await uploader.TestAsync(creds with { }, CancellationToken.None)).ShouldBeNull($"{input.Kind} test should pass");

            long reported = 0;
            await uploader.UploadAsync(creds, file, "study-export.zip", sent => { reported = sent; return Task.CompletedTask; }, CancellationToken.None);
            var arrived = Path.Combine(landing, "study-export.zip");
            File.Exists(arrived).ShouldBeTrue($"{input.Kind}: {arrived}");
            new FileInfo(arrived).Length.ShouldBe(bytes.Length, $"{input.Kind} size");
            ExportTestServer.Sha256(arrived).ShouldBe(expected, $"{input.Kind} checksum");
            reported.ShouldBe(bytes.Length, $"{input.Kind} progress reaches the file size");
        }
        TestEnvironment.DeleteQuietly(folder);
    }

    [Fact]
    public async Task A_retry_resumes_a_partial_upload_on_SFTP_and_FTP_and_the_file_arrives_whole()
    {
        await using var sftp = await SftpTestServer.StartAsync();
        await using var ftp = await FtpTestServer.StartAsync();
        using var scope = fixture.Portal.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<DestinationStore>();
        var uploader = scope.ServiceProvider.GetRequiredService<RemoteUploader>();
        var file = Path.Combine(TestEnvironment.NewTempFolder("payload"), "payload.zip");
        var bytes = new byte[2 * 1024 * 1024 + 77];
        Random.Shared.NextBytes(bytes);
        await File.WriteAllBytesAsync(file, bytes);

        foreach (var (input, landing) in new (DestinationInput, string)[]
        {
            (new("sftp-resume", DestinationKind.Sftp, sftp.Url.ToString(), sftp.User, null, sftp.PrivateKey, sftp.HostKeySha256, false), sftp.UploadFolder),
            (new("ftp-resume", DestinationKind.Ftp, ftp.Url.ToString(), "anonymous", "x", null, null, false), ftp.UploadFolder),
        })
        {
            // What a broken first attempt left behind: the first 700 KB.
            var arrived = Path.Combine(landing, "resumed.zip");
            await File.WriteAllBytesAsync(arrived, bytes[..(700 * 1024)]);
            if (input.Kind == DestinationKind.Ftp) await TestEnvironment.RunAsync("chown", ["ftp:ftp", arrived]);
            var creds = await store.GetAsync((await store.SaveAsync(null, input, Tester)).Id);
            await uploader.UploadAsync(creds, file, "resumed.zip", _ => Task.CompletedTask, CancellationToken.None, resume: true);
            new FileInfo(arrived).Length.ShouldBe(bytes.Length, input.Kind.ToString());
            ExportTestServer.Sha256(arrived).ShouldBe(ExportTestServer.Sha256(file), input.Kind.ToString());
        }
    }

    [Fact]
    public async Task An_export_task_sends_a_study_archive_to_SFTP_with_byte_progress_and_a_bad_destination_fails_with_its_reason()
    {
        await using var sftp = await SftpTestServer.StartAsync();
        var study = TestDicom.Study(TestDicom.Patient("EXP-ZIP", "Zip^Zoe"), "MR", instances: 3);
        var id = await SendAndFindAsync(study);
        using var scope = fixture.Portal.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<DestinationStore>();
        var queue = fixture.Portal.GetRequiredService<TaskQueue>();
        var good = await store.SaveAsync(null, new("sftp-task", DestinationKind.Sftp, sftp.Url.ToString(), sftp.User, null, sftp.PrivateKey, sftp.HostKeySha256, false), Tester);
        var bad = await store.SaveAsync(null, new("ftp-nowhere", DestinationKind.Ftp, $"ftp://127.0.0.1:{TestEnvironment.FreePort()}/in", "anonymous", "x", null, null, false), Tester);

        var goodTask = await queue.EnqueueAsync(ExportTaskHandler.TaskType, new ExportPayload([id], new ExportTarget(ExportTargetKind.Destination, DestinationId: good.Id), "Zip Zoe"), "export", Tester);
        var badTask = await queue.EnqueueAsync(ExportTaskHandler.TaskType, new ExportPayload([id], new ExportTarget(ExportTargetKind.Destination, DestinationId: bad.Id), null), "export", Tester);
        await TestEnvironment.WaitUntilAsync(async () => (await queue.GetAsync(goodTask))!.IsFinished && (await queue.GetAsync(badTask))!.IsFinished, TimeSpan.FromSeconds(60), "both exports finish");

        var ok = (await queue.GetAsync(goodTask))!;
        ok.State.ShouldBe(PortalTaskState.Succeeded, ok.Error);
        ok.ProgressText.ShouldNotBeNull().ShouldContain("sent");
        var zipPath = Path.Combine(sftp.UploadFolder, "Zip_Zoe.zip");
        using (var zip = ZipFile.OpenRead(zipPath))
        {
            zip.Entries.Count(e => e.Length > 0).ShouldBe(3, "one file per instance");
        }
        var failed = (await queue.GetAsync(badTask))!;
        failed.State.ShouldBe(PortalTaskState.Failed);
        failed.Error.ShouldNotBeNull().ShouldContain("Could not connect");
        (await scope.ServiceProvider.GetRequiredService<ExportService>().TestDestinationAsync(bad.Id, Tester)).ShouldNotBeNull().ShouldContain("Could not connect");
    }

    [Fact]
    public async Task SFTP_sends_only_to_the_pinned_host_key_and_a_changed_key_fails_with_the_reason()
    {
        await using var sftp = await SftpTestServer.StartAsync();
        await using var rekeyed = await SftpTestServer.StartAsync();
        using var scope = fixture.Portal.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<DestinationStore>();
        var uploader = scope.ServiceProvider.GetRequiredService<RemoteUploader>();
        var file = Path.Combine(TestEnvironment.NewTempFolder("pinned"), "payload.zip");
        await File.WriteAllBytesAsync(file, new byte[4096]);

        // What the destinations page shows the admin to confirm: the fingerprint ssh-keygen -l prints for the server's key.
        (await uploader.FetchHostKeyAsync(sftp.Url.ToString(), CancellationToken.None)).ShouldBe(sftp.HostKeySha256);

        // The server now presents another key than the one pinned (as after a re-key, or a machine in the middle).
        var changed = await store.GetAsync((await store.SaveAsync(null, new("sftp-changed", DestinationKind.Sftp, sftp.Url + "changed", sftp.User, null, sftp.PrivateKey, rekeyed.HostKeySha256, false), Tester)).Id);
        var refused = await Should.ThrowAsync<TaskFailedException>(() => uploader.UploadAsync(changed, file, "payload.zip", _ => Task.CompletedTask, CancellationToken.None));
        refused.Message.ShouldContain("host key is not the pinned one");
        refused.Message.ShouldContain($"SHA256:{sftp.HostKeySha256}");
        (await uploader.TestAsync(changed, CancellationToken.None)).ShouldNotBeNull().ShouldContain("host key is not the pinned one");
        Directory.Exists(Path.Combine(sftp.UploadFolder, "changed")).ShouldBeFalse("nothing was sent, not even the folder made");

        var unpinned = await store.GetAsync((await store.SaveAsync(null, new("sftp-unpinned", DestinationKind.Sftp, sftp.Url.ToString(), sftp.User, null, sftp.PrivateKey, null, false), Tester)).Id);
        (await Should.ThrowAsync<TaskFailedException>(() => uploader.UploadAsync(unpinned, file, "payload.zip", _ => Task.CompletedTask, CancellationToken.None)))
            .Message.ShouldContain("No host key is pinned");
        new DestinationInputValidator().Validate(new DestinationInput("x", DestinationKind.Sftp, sftp.Url.ToString(), sftp.User, null, sftp.PrivateKey, null, false))
            .Errors.ShouldContain(e => e.PropertyName == nameof(DestinationInput.HostKeySha256));
        File.Exists(Path.Combine(sftp.UploadFolder, "payload.zip")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_retry_reuses_a_kept_archive_only_while_it_is_the_one_its_task_recorded()
    {
        var study = TestDicom.Study(TestDicom.Patient("EXP-KEEP", "Keep^Kim"), "CT", instances: 3);
        var id = await SendAndFindAsync(study);
        using var scope = fixture.Portal.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<DestinationStore>();
        var queue = fixture.Portal.GetRequiredService<TaskQueue>();
        var landing = Path.Combine(TestEnvironment.NewTempFolder("keep"), "not-mounted-yet");
        var destination = await store.SaveAsync(null, new("folder-later", DestinationKind.Folder, landing, null, null, null, null, false), Tester);

        var task = await queue.EnqueueAsync(ExportTaskHandler.TaskType, new ExportPayload([id], new ExportTarget(ExportTargetKind.Destination, DestinationId: destination.Id), "Keep Kim"), "export", Tester);
        await TestEnvironment.WaitUntilAsync(async () => (await queue.GetAsync(task))!.IsFinished, TimeSpan.FromSeconds(60), "the first attempt fails");
        var failed = (await queue.GetAsync(task))!;
        failed.Error.ShouldNotBeNull().ShouldContain("does not exist");

        // The built archive is kept in this database's work folder, and the task row vouches for exactly that file.
        var instance = Path.GetFileName(Directory.GetDirectories(Path.Combine(fixture.Portal.DataFolder, "work")).ShouldHaveSingleItem());
        var kept = Path.Combine(fixture.Portal.DataFolder, "work", instance, "export-temp", $"task-{task}.zip");
        File.Exists(kept).ShouldBeTrue();
        var checkpoint = JsonNode.Parse(failed.Checkpoint.ShouldNotBeNull())!;
        checkpoint["Size"]!.GetValue<long>().ShouldBe(new FileInfo(kept).Length);
        checkpoint["Sha256"]!.GetValue<string>().ShouldBe(ExportTestServer.Sha256(kept), StringCompareShould.IgnoreCase);

        // Something else now lies under that name (another database's leftover would, in a shared folder): same size, other bytes.
        var size = new FileInfo(kept).Length;
        await File.WriteAllBytesAsync(kept, new byte[size]);
        Directory.CreateDirectory(landing);
        (await queue.RetryAsync(task)).ShouldBeTrue();
        await TestEnvironment.WaitUntilAsync(async () => (await queue.GetAsync(task))!.IsFinished, TimeSpan.FromSeconds(60), "the retry finishes");

        var done = (await queue.GetAsync(task))!;
        done.State.ShouldBe(PortalTaskState.Succeeded, done.Error);
        using (var zip = ZipFile.OpenRead(Path.Combine(landing, "Keep_Kim.zip")))
        {
            zip.Entries.Count(e => e.Length > 0).ShouldBe(3, "the archive was built again, not taken from the file it no longer matches");
        }
        File.Exists(kept).ShouldBeFalse("a sent archive is not kept");
    }

    [Fact]
    public async Task An_export_task_started_by_a_German_user_that_fails_stores_its_reason_in_German()
    {
        var study = TestDicom.Study(TestDicom.Patient("EXP-DE", "Weber^Jana"), "CT", instances: 1);
        var id = await SendAndFindAsync(study);
        using var scope = fixture.Portal.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<DestinationStore>();
        var queue = fixture.Portal.GetRequiredService<TaskQueue>();
        var missing = Path.Combine(TestEnvironment.NewTempFolder("german"), "not-mounted");
        var destination = await store.SaveAsync(null, new("ordner-fehlt", DestinationKind.Folder, missing, null, null, null, null, false), Tester);

        // The user's request or circuit runs in German: the task records it, and its handler later runs under it.
        var task = await OrthancPortal.Infrastructure.Localization.PortalCultures.RunInAsync(OrthancPortal.Infrastructure.Localization.PortalCultures.German,
            () => queue.EnqueueAsync(ExportTaskHandler.TaskType, new ExportPayload([id], new ExportTarget(ExportTargetKind.Destination, DestinationId: destination.Id), null), "export", Tester));
        await TestEnvironment.WaitUntilAsync(async () => (await queue.GetAsync(task))!.IsFinished, TimeSpan.FromSeconds(60), "the export fails");
        var failed = (await queue.GetAsync(task))!;
        failed.Culture.ShouldBe("de-DE");
        failed.State.ShouldBe(PortalTaskState.Failed);
        failed.Error.ShouldBe($"Der Ordner „{missing}“ existiert nicht oder ist nicht eingebunden.");
    }

    private async Task<string> SendAndFindAsync(SyntheticStudy study)
    {
        await TestDicom.SendAsync(study, fixture.Local.DicomPort, fixture.Local.Aet);
        var found = JsonNode.Parse(await (await fixture.Local.Http.PostAsync("tools/lookup", new StringContent(study.StudyUid))).Content.ReadAsStringAsync())!.AsArray();
        return found.Single(n => n!["Type"]!.GetValue<string>() == "Study")!["ID"]!.GetValue<string>();
    }

    private async Task<string> RemoteStudyIdAsync(string studyUid)
    {
        var found = JsonNode.Parse(await (await fixture.Remote.Http.PostAsync("tools/lookup", new StringContent(studyUid))).Content.ReadAsStringAsync())!.AsArray();
        return found.Single(n => n!["Type"]!.GetValue<string>() == "Study")!["ID"]!.GetValue<string>();
    }

    private async Task<int> RemoteInstancesAsync(string studyUid)
        => (await fixture.Remote.GetJsonAsync($"studies/{await RemoteStudyIdAsync(studyUid)}/instances")).AsArray().Count;
}
