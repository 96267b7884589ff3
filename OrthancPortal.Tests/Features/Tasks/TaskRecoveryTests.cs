using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Infrastructure;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Tasks;

/// <param name="database">The portal database's engine; null: the run's default.</param>
public abstract class TaskRecoveryTests(PortalDatabase? database)
{
    /// <summary>Counts to a target, saving a checkpoint at each step; waits on a gate so the test can stop the portal mid-way.</summary>
    private sealed class CountingHandler(string type, bool resumable, SemaphoreSlim gate) : ITaskHandler
    {
        public string Type => type;
        public bool Resumable => resumable;

        public async Task<string?> RunAsync(TaskRun run, CancellationToken ct)
        {
            var done = run.Checkpoint<int>();
            while (done < 4)
            {
                await gate.WaitAsync(ct);
                done++;
                await run.SaveCheckpointAsync(done);
                await run.Progress.ReportAsync(done / 4.0, $"{done} of 4");
            }
            return $"counted to {done} in {run.Attempt} attempt(s)";
        }
    }

    [Fact]
    public async Task A_running_task_resumes_after_a_restart_or_fails_with_a_reason()
    {
        // One gate per task: with a shared one, the first task to loop could take the other's step.
        var resumableGate = new SemaphoreSlim(0);
        var oneshotGate = new SemaphoreSlim(0);
        await using var portal = await PortalHost.StartManagedAsync(b =>
        {
            b.Services.AddScoped<ITaskHandler>(_ => new CountingHandler("test.resumable", true, resumableGate));
            b.Services.AddScoped<ITaskHandler>(_ => new CountingHandler("test.oneshot", false, oneshotGate));
        }, new Dictionary<string, string?> { ["Orthanc:Executable"] = "/bin/false" }, database);

        var queue = portal.GetRequiredService<TaskQueue>();
        var resumable = await queue.EnqueueAsync("test.resumable", new { }, "Resumable", Actor.System);
        var oneshot = await queue.EnqueueAsync("test.oneshot", new { }, "One shot", Actor.System);
        await TestEnvironment.WaitUntilAsync(async () => (await queue.GetAsync(resumable))!.State == PortalTaskState.Running
            && (await queue.GetAsync(oneshot))!.State == PortalTaskState.Running, TimeSpan.FromSeconds(10), "both tasks running");
        resumableGate.Release();
        oneshotGate.Release();
        await TestEnvironment.WaitUntilAsync(async () => (await queue.GetAsync(resumable))!.Checkpoint == "1" && (await queue.GetAsync(oneshot))!.Checkpoint == "1",
            TimeSpan.FromSeconds(10), "one step each");

        await portal.RestartAsync();
        queue = portal.GetRequiredService<TaskQueue>();

        var failed = (await queue.GetAsync(oneshot))!;
        failed.State.ShouldBe(PortalTaskState.Failed);
        failed.Error.ShouldNotBeNull().ShouldContain("portal stopped while this task was running");

        resumableGate.Release(10);
        await TestEnvironment.WaitUntilAsync(async () => (await queue.GetAsync(resumable))!.State == PortalTaskState.Succeeded, TimeSpan.FromSeconds(10), "resumed task finishes");
        var finished = (await queue.GetAsync(resumable))!;
        finished.Result.ShouldBe("counted to 4 in 2 attempt(s)", "the resumed run continued from its checkpoint");
        finished.Progress.ShouldBe(1);
    }

    [Fact]
    public async Task A_user_can_cancel_a_running_task()
    {
        var gate = new SemaphoreSlim(0);
        await using var portal = await PortalHost.StartManagedAsync(
            b => b.Services.AddScoped<ITaskHandler>(_ => new CountingHandler("test.cancel", true, gate)),
            new Dictionary<string, string?> { ["Orthanc:Executable"] = "/bin/false" }, database);
        var queue = portal.GetRequiredService<TaskQueue>();
        var id = await queue.EnqueueAsync("test.cancel", new { }, "Cancel me", Actor.System);
        await TestEnvironment.WaitUntilAsync(async () => (await queue.GetAsync(id))!.State == PortalTaskState.Running, TimeSpan.FromSeconds(10), "running");
        (await queue.CancelAsync(id)).ShouldBeTrue();
        await TestEnvironment.WaitUntilAsync(async () => (await queue.GetAsync(id))!.State == PortalTaskState.Cancelled, TimeSpan.FromSeconds(10), "cancelled");
    }

    /// <summary>These tests on the portal's default database.</summary>
    public sealed class OnSqlite() : TaskRecoveryTests(null);

    /// <summary>The same tests with the portal's database on PostgreSQL.</summary>
    public sealed class OnPostgres() : TaskRecoveryTests(PortalDatabase.Postgres);
}
