using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.QueryRetrieve;
using OrthancPortal.Features.Robots;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Robots;

public abstract class RobotTests(RobotsPortalFixture fixture)
{
    private static readonly RobotUser Owner = new("owner-1", "user1", IsAdmin: false, CanAutoRetrieve: true);
    private static readonly RobotUser Admin = new("admin-1", "admin1", IsAdmin: true, CanAutoRetrieve: true);

    private async Task<T> With<T>(Func<RobotService, Task<T>> action)
    {
        await using var scope = fixture.Scope();
        return await action(scope.ServiceProvider.GetRequiredService<RobotService>());
    }

    private Task<RobotSummary> SummaryAsync(long id) => With(async s => (await s.GetAsync(Admin, id))!);

    private async Task<List<RobotItem>> ItemsAsync(long id)
    {
        var factory = fixture.Portal.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await db.Set<RobotItem>().Where(i => i.RobotId == id).OrderBy(i => i.Line).ToListAsync();
    }

    private Task WaitForStatusAsync(long id, RobotStatus status, int seconds = 60)
        => TestEnvironment.WaitUntilAsync(async () => (await SummaryAsync(id)).Robot.Status == status, TimeSpan.FromSeconds(seconds), $"robot {id} {status}");

    [Fact]
    public async Task A_CSV_with_one_ambiguous_row_is_flagged_refused_until_dropped_then_retrieves_the_other_19()
    {
        var patients = Enumerable.Range(1, 20).Select(n => TestDicom.Patient($"CSV{n:D2}", $"Csv^Patient{n}")).ToList();
        var studies = patients.Select(p => TestDicom.Study(p, "CT", instances: 2)).ToList();
        const int ambiguousRow = 7;
        studies.Add(TestDicom.Study(patients[ambiguousRow - 1], "MR", instances: 1));
        await RobotsPortalFixture.SendAllAsync(studies, fixture.Remote);

        var csv = new StringBuilder("\uFEFFPatient Name;Patient ID;Accession Number;Date From;Date To;Study Description;Modalities;AET;Study Instance UID;Series Instance UID\r\n");
        foreach (var p in patients) csv.Append($"\"{p.Name}\";{p.PatientId};;;;;;{OrthancPair.RemoteAet};;\r\n");
        var import = await QueryListCsv.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())));
        import.Errors.ShouldBeEmpty();
        import.Rows.Count.ShouldBe(20);

        long id;
        await using (var scope = fixture.Scope())
        {
            var qr = scope.ServiceProvider.GetRequiredService<QueryRetrieveService>();
            id = await scope.ServiceProvider.GetRequiredService<RobotService>()
                .CreateFromQueryListAsync(Owner, "Study 2026", OrthancPair.RemoteModalityName, import.Rows, aet => qr.ModalityByAetAsync(aet));
        }
        await WaitForStatusAsync(id, RobotStatus.AwaitingApproval);

        var items = await ItemsAsync(id);
        var invalid = items.Where(i => i.Validation != ItemValidation.Valid).ShouldHaveSingleItem();
        invalid.Line.ShouldBe(ambiguousRow);
        invalid.ValidationMessage.ShouldNotBeNull().ShouldContain("2 studies match");

        await Should.ThrowAsync<RobotException>(() => With(async s => { await s.ApproveAsync(Owner, id, ScheduleWindow.Always, 2); return 0; }));
        var refused = await Should.ThrowAsync<RobotException>(() => With(async s => { await s.ApproveAsync(Admin, id, ScheduleWindow.Always, 2); return 0; }));
        refused.Message.ShouldContain("not valid");

        await With(async s => { await s.DropItemAsync(Admin, invalid.Id); return 0; });
        await With(async s => { await s.ApproveAsync(Admin, id, ScheduleWindow.Always, 2); return 0; });
        await WaitForStatusAsync(id, RobotStatus.Completed, 120);

        var done = await SummaryAsync(id);
        (done.Total, done.Retrieved, done.Failed).ShouldBe((19, 19, 0));
        foreach (var study in studies.Where(s => s.Patient != patients[ambiguousRow - 1]))
        {
            var item = (await ItemsAsync(id)).Single(i => i.StudyInstanceUid == study.StudyUid);
            item.State.ShouldBe(ItemState.Retrieved);
            (await fixture.Local.GetJsonAsync($"studies/{item.LocalStudyId}/instances")).AsArray().Count.ShouldBe(study.InstanceCount);
        }
    }

    [Fact]
    public async Task A_robot_stopped_midway_by_a_restart_finishes_afterwards_and_retrieves_no_study_twice()
    {
        var studies = Enumerable.Range(1, 10).Select(n => TestDicom.Study(TestDicom.Patient($"RST{n:D2}", $"Restart^P{n}"), "CT", instances: 3)).ToList();
        await RobotsPortalFixture.SendAllAsync(studies, fixture.Remote);
        var sources = studies.Select((s, i) => new RobotItemSource(i + 1, OrthancPair.RemoteModalityName, s.StudyUid, "", s.Patient.PatientId, s.Patient.Name, s.Description)).ToList();
        var id = await With(s => s.CreateFromResultsAsync(Owner, "Restart", sources));
        await WaitForStatusAsync(id, RobotStatus.AwaitingApproval);
        await With(async s => { await s.ApproveAsync(Admin, id, ScheduleWindow.Always, 1); return 0; });

        await TestEnvironment.WaitUntilAsync(async () => (await SummaryAsync(id)).Retrieved >= 1, TimeSpan.FromSeconds(30), "first item retrieved");
        await fixture.Portal.RestartAsync();
        var retrievedAtRestart = (await ItemsAsync(id)).Count(i => i.State == ItemState.Retrieved);
        retrievedAtRestart.ShouldBeLessThan(studies.Count, "the restart came in the middle of the robot");

        await WaitForStatusAsync(id, RobotStatus.Completed, 120);
        var items = await ItemsAsync(id);
        items.ShouldAllBe(i => i.State == ItemState.Retrieved && i.LocalStudyId != null);
        foreach (var study in studies)
        {
            (await fixture.MoveJobsForAsync(study.StudyUid)).ShouldBe(1, $"study {study.Patient.PatientId} was moved exactly once");
        }
    }

    [Fact]
    public async Task Pause_resume_cancel_and_delete_work_and_an_unreachable_remote_fails_items_with_the_reason()
    {
        var study = TestDicom.Study(TestDicom.Patient("PRC01", "Steer^Me"), "CT", instances: 1);
        await RobotsPortalFixture.SendAllAsync([study], fixture.Remote);
        var id = await With(s => s.CreateFromResultsAsync(Owner, "Steer", [new RobotItemSource(1, OrthancPair.RemoteModalityName, study.StudyUid, "", "PRC01", "Steer^Me", "")]));
        await WaitForStatusAsync(id, RobotStatus.AwaitingApproval);
        // A window that is closed now: the robot must wait.
        var now = TimeOnly.FromDateTime(DateTime.Now);
        await With(async s => { await s.ApproveAsync(Admin, id, new ScheduleWindow(now.AddHours(2), now.AddHours(3)), 1); return 0; });
        // A dispatch pass now instead of waiting for the tick: the item stays where it is.
        await fixture.Portal.GetRequiredService<RobotRunner>().DispatchAsync(CancellationToken.None);
        (await ItemsAsync(id)).Single().State.ShouldBe(ItemState.Pending, "outside its window the robot does not retrieve");
        await With(async s => { await s.PauseAsync(Owner, id); return 0; });
        await With(async s => { await s.ResumeAsync(Owner, id); return 0; });
        await With(async s => { await s.CancelAsync(Owner, id); return 0; });
        (await SummaryAsync(id)).Robot.Status.ShouldBe(RobotStatus.Cancelled);
        await Should.ThrowAsync<RobotException>(() => With(async s => { await s.DeleteAsync(new RobotUser("someone", "other", false, true), id); return 0; }));
        await With(async s => { await s.DeleteAsync(Owner, id); return 0; });
        (await With(s => s.ListAsync(Admin))).ShouldNotContain(r => r.Robot.Id == id);

        // A remote that goes away after validation: the item retries, then fails with the reason.
        await fixture.Local.AddModalityAsync("flaky", OrthancPair.RemoteAet, fixture.Remote.DicomPort);
        var id2 = await With(s => s.CreateFromResultsAsync(Owner, "Flaky", [new RobotItemSource(1, "flaky", study.StudyUid, "", "PRC01", "Steer^Me", "")]));
        await WaitForStatusAsync(id2, RobotStatus.AwaitingApproval);
        await fixture.Local.AddModalityAsync("flaky", OrthancPair.RemoteAet, TestEnvironment.FreePort());
        await With(async s => { await s.ApproveAsync(Admin, id2, ScheduleWindow.Always, 1); return 0; });
        await WaitForStatusAsync(id2, RobotStatus.Completed, 90);
        var failed = (await ItemsAsync(id2)).Single();
        failed.State.ShouldBe(ItemState.Failed);
        failed.Attempts.ShouldBe(2);
        failed.FailureReason.ShouldNotBeNull().ShouldContain("after 2 attempts");
    }

    [Fact]
    public async Task After_an_abrupt_stop_every_item_ends_retrieved_or_failed_with_a_reason_and_none_stays_retrieving()
    {
        var studies = Enumerable.Range(1, 4).Select(n => TestDicom.Study(TestDicom.Patient($"KIL{n:D2}", $"Killed^P{n}"), "CT", instances: 1)).ToList();
        await RobotsPortalFixture.SendAllAsync(studies, fixture.Remote);
        var sources = studies.Select((s, i) => new RobotItemSource(i + 1, OrthancPair.RemoteModalityName, s.StudyUid, "", s.Patient.PatientId, s.Patient.Name, "")).ToList();
        var id = await With(s => s.CreateFromResultsAsync(Owner, "Killed", sources));
        await WaitForStatusAsync(id, RobotStatus.AwaitingApproval);
        var now = TimeOnly.FromDateTime(DateTime.Now);
        await With(async s => { await s.ApproveAsync(Admin, id, new ScheduleWindow(now.AddHours(2), now.AddHours(3)), 1); return 0; });
        await fixture.Portal.StopAsync();

        // The rows as a killed portal leaves them: every item in the middle of its retrieve, the window open.
        await using (var db = fixture.Portal.OpenStoppedDatabase())
        {
            var robot = await db.Set<Robot>().SingleAsync(r => r.Id == id);
            (robot.WindowStart, robot.WindowStop) = (TimeOnly.MinValue, TimeOnly.MinValue);
            var items = await db.Set<RobotItem>().Where(i => i.RobotId == id).OrderBy(i => i.Line).ToListAsync();
            foreach (var item in items) { item.State = ItemState.Retrieving; item.Attempts = 1; }
            items[0].JobId = "0123abcd-4567-89ef-0123-456789abcdef"; // a move Orthanc no longer knows
            items[2].Attempts = 2;                                   // already resumed as often as it may be
            items[3].Modality = "no-such-remote";                    // its resume fails
            await db.SaveChangesAsync();
        }
        await fixture.Portal.StartAsync();

        await WaitForStatusAsync(id, RobotStatus.Completed, 120);
        var after = await ItemsAsync(id);
        after.ShouldAllBe(i => i.State == ItemState.Retrieved || (i.State == ItemState.Failed && i.FailureReason != null));
        after.Where(i => i.Line <= 2).ShouldAllBe(i => i.State == ItemState.Retrieved && i.LocalStudyId != null);
        after[2].State.ShouldBe(ItemState.Failed);
        after[2].FailureReason.ShouldNotBeNull().ShouldContain("interrupted");
        after[3].State.ShouldBe(ItemState.Failed);
        after[3].FailureReason.ShouldNotBeNull().ShouldContain("after 2 attempts");
        foreach (var study in studies.Take(2)) (await fixture.MoveJobsForAsync(study.StudyUid)).ShouldBe(1);
        fixture.Portal.GetRequiredService<RobotRunner>().Problem.ShouldBeNull();
    }

    [Fact]
    public async Task Every_result_row_carries_its_answer_count_and_only_rows_with_one_answer_go_into_a_robot()
    {
        var one = TestDicom.Study(TestDicom.Patient("ANS01", "Answers^One"), "CT", instances: 1);
        var twoPatient = TestDicom.Patient("ANS02", "Answers^Two");
        var twoCt = TestDicom.Study(twoPatient, "CT", instances: 1);
        var twoMr = TestDicom.Study(twoPatient, "MR", instances: 1);
        await RobotsPortalFixture.SendAllAsync([one, twoCt, twoMr], fixture.Remote);
        QueryListRow Row(string pid) => new() { PatientId = pid };

        QueryListService.QueryRun run;
        await using (var scope = fixture.Scope())
        {
            run = await scope.ServiceProvider.GetRequiredService<QueryListService>()
                .RunQueriesAsync([Row("ANS01"), Row("ANS02"), Row("ANS99"), Row("ANS01")], OrthancPair.RemoteModalityName);
        }
        run.LinesWithoutAnswer.ShouldBe([3]);
        run.Results.Where(r => r.Line == 2).Select(r => r.Answers).ShouldBe([2, 2]);
        run.Results.Single(r => r.Line == 1).Answers.ShouldBe(1);
        var repeat = run.Results.Single(r => r.Line == 4);
        (repeat.Answers, repeat.FirstLine, repeat.Study.StudyInstanceUid).ShouldBe((1, (int?)1, one.StudyUid));
        var sources = QueryListService.RobotSources(run.Results);
        sources.Select(s => s.Line).ShouldBe([1, 4]);
        sources.ShouldAllBe(s => s.StudyInstanceUid == one.StudyUid);

        var noRemote = await Should.ThrowAsync<RobotException>(async () =>
        {
            await using var scope = fixture.Scope();
            await scope.ServiceProvider.GetRequiredService<QueryListService>().RunQueriesAsync([Row("ANS01")], null);
        });
        noRemote.Message.ShouldContain("choose the remote");
    }

    [Fact]
    public async Task The_robot_list_is_paged_and_sorted_in_the_database_progress_too()
    {
        // An owner of their own, so other tests' robots stay out of the list.
        var tag = Guid.NewGuid().ToString("N")[..8];
        var owner = new RobotUser($"pager-{tag}", $"pager-{tag}", IsAdmin: false, CanAutoRetrieve: true);
        var factory = fixture.Portal.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            foreach (var (name, retrieved, total) in new[] { ("half", 1, 2), ("none", 0, 3), ("all", 2, 2), ("empty", 0, 0) })
            {
                var robot = new Robot { ProjectName = $"{name}-{tag}", OwnerId = owner.Id, OwnerName = owner.Name, Status = RobotStatus.Completed, CreatedAt = DateTime.UtcNow };
                db.Add(robot);
                await db.SaveChangesAsync();
                for (var i = 0; i < total; i++)
                {
                    db.Add(new RobotItem { RobotId = robot.Id, Line = i + 1, Modality = "X", State = i < retrieved ? ItemState.Retrieved : ItemState.Failed, UpdatedAt = DateTime.UtcNow });
                }
                await db.SaveChangesAsync();
            }
        }
        static string Name(RobotSummary r) => r.Robot.ProjectName.Split('-')[0];

        // Most retrieved first; the two at 0 % newest first (the id tie-break).
        var byProgress = await With(s => s.PageAsync(owner, new PageRequest(0, 10, "Progress", Descending: true)));
        byProgress.Total.ShouldBe(4);
        byProgress.Items.Select(Name).ShouldBe(["all", "half", "empty", "none"]);

        // The second page of two by name, with the counts of that page's robots.
        var second = await With(s => s.PageAsync(owner, new PageRequest(2, 2, "ProjectName")));
        second.Total.ShouldBe(4);
        second.Items.Select(Name).ShouldBe(["half", "none"]);
        second.Items[0].Retrieved.ShouldBe(1);
        second.Items[0].Total.ShouldBe(2);
        second.Items[1].Failed.ShouldBe(3);

        // No sort: newest first.
        (await With(s => s.PageAsync(owner, new PageRequest(0, 1)))).Items.Select(Name).ShouldBe(["empty"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_robot_runs_at_most_its_concurrency_of_moves_at_once_and_starts_the_next_as_one_ends(int concurrency)
    {
        // A worker frees its slot when its move ends and writes the outcome beside the next item's start: the
        // remote must still never see more moves at once than the robot's concurrency.
        var studies = Enumerable.Range(1, 6).Select(n => TestDicom.Study(TestDicom.Patient($"CC{concurrency}{n:D2}", $"Concurrency^P{n}"), "CT", instances: 1)).ToList();
        await RobotsPortalFixture.SendAllAsync(studies, fixture.Remote);
        var sources = studies.Select((s, i) => new RobotItemSource(i + 1, OrthancPair.RemoteModalityName, s.StudyUid, "", s.Patient.PatientId, s.Patient.Name, s.Description)).ToList();
        var id = await With(s => s.CreateFromResultsAsync(Owner, $"Concurrency {concurrency}", sources));
        await WaitForStatusAsync(id, RobotStatus.AwaitingApproval);
        await With(async s => { await s.ApproveAsync(Admin, id, ScheduleWindow.Always, concurrency); return 0; });
        await WaitForStatusAsync(id, RobotStatus.Completed, 120);

        (await ItemsAsync(id)).ShouldAllBe(i => i.State == ItemState.Retrieved && i.LocalStudyId != null);
        var moves = (await fixture.Local.GetJsonAsync("jobs?expand")).AsArray().Select(j => j!.AsObject())
            .Where(j => (string?)j["Type"] == "DicomMoveScu" && studies.Any(s => j["Content"]!.ToJsonString().Contains(s.StudyUid)))
            .Select(j => (Start: OrthancTime(j["CreationTime"]), End: OrthancTime(j["CompletionTime"]))).ToList();
        moves.Count.ShouldBe(studies.Count, "one move per study");
        foreach (var move in moves)
        {
            moves.Count(m => m.Start <= move.Start && move.Start < m.End).ShouldBeLessThanOrEqualTo(concurrency, "moves running when this one started, itself included");
        }
    }

    private static DateTime OrthancTime(System.Text.Json.Nodes.JsonNode? value)
        => DateTime.ParseExact(value!.ToString(), "yyyyMMdd'T'HHmmss.FFFFFF", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);

    /// <summary>These tests on the portal's default database.</summary>
    public sealed class OnSqlite(RobotsPortalFixture fixture) : RobotTests(fixture), IClassFixture<RobotsPortalFixture>;

    /// <summary>The same tests with the portal's database on PostgreSQL.</summary>
    public sealed class OnPostgres(PostgresRobotsPortalFixture fixture) : RobotTests(fixture), IClassFixture<PostgresRobotsPortalFixture>;
}
