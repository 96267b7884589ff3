using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrthancPortal.Infrastructure.Footprint;
using OrthancPortal.Infrastructure.Scheduling;
using OrthancPortal.Tests.Harness;
using Quartz;

namespace OrthancPortal.Tests.Infrastructure.Footprint;

/// <summary>The idle trimmer gives memory back only when nothing happens: never during a request, a circuit event or a job.</summary>
public sealed class IdleTrimmerTests
{
    private static readonly TimeSpan IdleAfter = TimeSpan.FromMinutes(1);

    private sealed class CountingTrim : IMemoryTrim
    {
        public int Count;
        public TaskCompletionSource Trimmed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Trim()
        {
            Interlocked.Increment(ref Count);
            Trimmed.TrySetResult();
        }
    }

    private sealed class SwitchableWork : IBackgroundWork
    {
        public bool Running;
        public ValueTask<bool> IsRunningAsync(CancellationToken ct) => ValueTask.FromResult(Running);
    }

    private sealed record Rig(FakeTimeProvider Clock, PortalActivity Activity, SwitchableWork Work, CountingTrim Trim, IdleTrimmer Trimmer);

    private static Rig NewRig(bool enabled = true)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        var activity = new PortalActivity(clock);
        var work = new SwitchableWork();
        var trim = new CountingTrim();
        var options = Options.Create(new FootprintOptions { IdleAfter = IdleAfter, TrimWhenIdle = enabled });
        return new Rig(clock, activity, work, trim, new IdleTrimmer(activity, work, trim, clock, options));
    }

    [Fact]
    public async Task Trims_once_after_the_idle_time_and_again_only_after_new_activity()
    {
        var rig = NewRig();
        rig.Clock.Advance(IdleAfter - TimeSpan.FromSeconds(1));
        (await rig.Trimmer.CheckAsync(default)).ShouldBeFalse("not idle long enough yet");

        rig.Clock.Advance(TimeSpan.FromSeconds(1));
        (await rig.Trimmer.CheckAsync(default)).ShouldBeTrue();
        rig.Clock.Advance(IdleAfter * 10);
        (await rig.Trimmer.CheckAsync(default)).ShouldBeFalse("nothing happened since the last trim");

        rig.Activity.Touch();
        rig.Clock.Advance(IdleAfter / 2);
        (await rig.Trimmer.CheckAsync(default)).ShouldBeFalse("activity half an idle time ago");
        rig.Clock.Advance(IdleAfter / 2);
        (await rig.Trimmer.CheckAsync(default)).ShouldBeTrue();
        rig.Trim.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Never_trims_while_a_request_is_in_flight()
    {
        var rig = NewRig();
        rig.Activity.Begin();
        rig.Clock.Advance(IdleAfter * 10);
        (await rig.Trimmer.CheckAsync(default)).ShouldBeFalse("a long request (a download) is running");

        rig.Activity.End();
        (await rig.Trimmer.CheckAsync(default)).ShouldBeFalse("the request has only just ended");
        rig.Clock.Advance(IdleAfter);
        (await rig.Trimmer.CheckAsync(default)).ShouldBeTrue();
        rig.Trim.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Never_trims_while_background_work_runs()
    {
        var rig = NewRig();
        rig.Work.Running = true;
        rig.Clock.Advance(IdleAfter * 10);
        (await rig.Trimmer.CheckAsync(default)).ShouldBeFalse("a task or job is running");

        rig.Work.Running = false;
        (await rig.Trimmer.CheckAsync(default)).ShouldBeTrue();
        rig.Trim.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_circuit_event_counts_as_activity()
    {
        var rig = NewRig();
        rig.Clock.Advance(IdleAfter);
        var handler = new ActivityCircuitHandler(rig.Activity);
        var seenInside = true;
        await handler.CreateInboundActivityHandler(async _ =>
        {
            seenInside = await rig.Trimmer.CheckAsync(default);
        })(null!);
        seenInside.ShouldBeFalse("never during the circuit's event");
        (await rig.Trimmer.CheckAsync(default)).ShouldBeFalse("the event has only just ended");
        rig.Trim.Count.ShouldBe(0);
    }

    [Fact]
    public async Task The_service_looks_on_its_timer()
    {
        var rig = NewRig();
        await rig.Trimmer.StartAsync(default);
        try
        {
            rig.Clock.Advance(IdleAfter + rig.Trimmer.CheckEvery);
            await rig.Trim.Trimmed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally { await rig.Trimmer.StopAsync(default); }
        rig.Trim.Count.ShouldBe(1);
    }

    /// <summary>A job the test holds open, to see the real app's Quartz report it as running.</summary>
    public sealed class HeldJob : IJob
    {
        public static readonly SemaphoreSlim Started = new(0);
        public static readonly SemaphoreSlim Release = new(0);

        public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
        {
            Started.Release();
            await Release.WaitAsync(ct);
        }
    }

    [Fact]
    public async Task The_portals_scheduler_reports_its_running_jobs()
    {
        await using var portal = await PortalHost.StartManagedAsync(extra: new Dictionary<string, string?> { ["Orthanc:Executable"] = "/bin/false" });
        var work = portal.Services.GetRequiredService<IBackgroundWork>();
        await portal.Services.GetRequiredService<BackgroundJobs>().RunOnceAsync<HeldJob>("held", new Dictionary<string, object?>());
        (await HeldJob.Started.WaitAsync(TimeSpan.FromSeconds(15))).ShouldBeTrue("the job started");
        (await work.IsRunningAsync(default)).ShouldBeTrue();

        HeldJob.Release.Release();
        await TestEnvironment.WaitUntilAsync(async () => !await work.IsRunningAsync(default), TimeSpan.FromSeconds(15), "the job's end is heard");
    }
}
