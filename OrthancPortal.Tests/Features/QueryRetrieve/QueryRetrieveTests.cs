using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.QueryRetrieve;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.QueryRetrieve;

public sealed class QueryRetrieveTests(RobotsPortalFixture fixture) : IClassFixture<RobotsPortalFixture>
{
    [Fact]
    public async Task A_query_finds_the_remote_studies_and_retrieving_one_puts_all_its_instances_locally()
    {
        var studies = TestDicom.StandardSet("QR");
        await RobotsPortalFixture.SendAllAsync(studies, fixture.Remote);
        await using var scope = fixture.Scope();
        var qr = scope.ServiceProvider.GetRequiredService<QueryRetrieveService>();

        var all = await qr.FindStudiesAsync(OrthancPair.RemoteModalityName, new QueryCriteria { PatientId = "QRP*" });
        all.Answers.Select(a => a.StudyInstanceUid).ShouldBe(studies.Select(s => s.StudyUid), ignoreOrder: true);

        var ct = studies[0];
        var byName = await qr.FindStudiesAsync(OrthancPair.RemoteModalityName, new QueryCriteria { PatientName = "Muster*", Modalities = "CT", DateFrom = DateOnly.FromDateTime(DateTime.Today), DateTo = DateOnly.FromDateTime(DateTime.Today) });
        var found = byName.Answers.ShouldHaveSingleItem();
        found.StudyInstanceUid.ShouldBe(ct.StudyUid);
        found.InstanceCount.ShouldBe(ct.InstanceCount);

        var series = await qr.FindSeriesAsync(OrthancPair.RemoteModalityName, ct.StudyUid);
        series.ShouldHaveSingleItem().SeriesInstanceUid.ShouldBe(ct.Series[0].SeriesUid);

        var capped = await qr.FindStudiesAsync(OrthancPair.RemoteModalityName, new QueryCriteria(), limit: 2);
        capped.Answers.Count.ShouldBe(2);
        capped.Truncated.ShouldBeTrue();

        var tracker = scope.ServiceProvider.GetRequiredService<RetrieveTracker>();
        var actor = new Actor("u-qr", "qr-test", null);
        var started = await tracker.StartAsync(actor, OrthancPair.RemoteModalityName, "CT", ct.StudyUid, null);
        await TestEnvironment.WaitUntilAsync(async () => (await tracker.ForOwnerAsync("u-qr")).Single(r => r.TaskId == started).State != RetrieveState.Running,
            TimeSpan.FromSeconds(30), "retrieve finished");
        var done = (await tracker.ForOwnerAsync("u-qr")).Single(r => r.TaskId == started);
        // A retrieve is a portal task of its owner: it shows under "My tasks" and survives a restart.
        (await fixture.Portal.GetRequiredService<OrthancPortal.Features.Tasks.TaskQueue>().GetAsync(started))!.OwnerName.ShouldBe("qr-test");
        done.State.ShouldBe(RetrieveState.Done, done.Error);
        (await fixture.Local.GetJsonAsync($"studies/{done.LocalStudyId}/instances")).AsArray().Count.ShouldBe(ct.InstanceCount);
    }

    [Fact]
    public async Task Bad_input_and_an_unreachable_modality_give_clear_errors_not_hangs()
    {
        await using var scope = fixture.Scope();
        var qr = scope.ServiceProvider.GetRequiredService<QueryRetrieveService>();
        await Should.ThrowAsync<FluentValidation.ValidationException>(() => qr.FindStudiesAsync(OrthancPair.RemoteModalityName, new QueryCriteria { PatientId = "A\\B" }));
        await fixture.Local.AddModalityAsync("down", "DOWN", TestEnvironment.FreePort());
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var ex = await Should.ThrowAsync<RetrieveException>(() => qr.FindStudiesAsync("down", new QueryCriteria { PatientId = "X" }));
        ex.Message.ShouldContain("down");
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(15));
    }
}
