using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Infrastructure.Live;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Tasks;

/// <summary>
/// The cancel contract: a cancel that <see cref="TaskQueue.CancelAsync"/> accepts ends the task "Cancelled" (or
/// "Failed" with a reason), never "Succeeded" and never lost, wherever in the task's life it arrives.
/// </summary>
public sealed class TaskCancelTests
{
    /// <summary>Does its work without ever looking at the token (as a handler stuck in a non-cancellable call would).</summary>
    private sealed class IgnoresCancelHandler(string type, SemaphoreSlim? gate) : ITaskHandler
    {
        public string Type => type;
        public bool Resumable => false;

        public async Task<string?> RunAsync(TaskRun run, CancellationToken ct)
        {
            if (gate is not null) await gate.WaitAsync(CancellationToken.None);
            return "done";
        }
    }

    private static Task<PortalHost> StartAsync(params ITaskHandler[] handlers)
        => PortalHost.StartManagedAsync(b =>
        {
            foreach (var h in handlers) b.Services.AddScoped<ITaskHandler>(_ => h);
        }, new Dictionary<string, string?> { ["Orthanc:Executable"] = "/bin/false" });

    private static async Task<PortalTask> WaitFinishedAsync(TaskQueue queue, long id)
    {
        PortalTask? task = null;
        await TestEnvironment.WaitUntilAsync(async () => (task = await queue.GetAsync(id))!.IsFinished, TimeSpan.FromSeconds(20), $"task {id} finished");
        return task!;
    }

    [Fact]
    public async Task A_cancel_at_the_moment_the_task_becomes_running_is_accepted_and_ends_cancelled()
    {
        await using var portal = await StartAsync(new IgnoresCancelHandler("test.transition", null));
        var queue = portal.GetRequiredService<TaskQueue>();
        var accepted = new TaskCompletionSource<(long Id, bool Accepted)>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The queue publishes "Running" right after the row moved there and before the handler starts; the
        // subscriber runs on the task's own thread and cancels there, so the cancel lands exactly in that gap.
        using var _ = portal.GetRequiredService<LiveNotifier>().Subscribe<TaskChanged>(change =>
        {
            if (change is { Type: "test.transition", State: PortalTaskState.Running })
            {
                accepted.TrySetResult((change.Id, queue.CancelAsync(change.Id).GetAwaiter().GetResult()));
            }
            return Task.CompletedTask;
        });

        var id = await queue.EnqueueAsync("test.transition", new { }, "Cancelled at the transition", Actor.System);
        var (seenId, wasAccepted) = await accepted.Task.WaitAsync(TimeSpan.FromSeconds(20));
        seenId.ShouldBe(id);
        wasAccepted.ShouldBeTrue("a task that is Running and not finished must take a cancel");
        var task = await WaitFinishedAsync(queue, id);
        task.State.ShouldBe(PortalTaskState.Cancelled);
        task.Result.ShouldBeNull();
    }

    [Fact]
    public async Task A_cancel_accepted_while_the_handler_ignores_it_still_ends_cancelled_not_succeeded()
    {
        var gate = new SemaphoreSlim(0);
        await using var portal = await StartAsync(new IgnoresCancelHandler("test.ignores", gate));
        var queue = portal.GetRequiredService<TaskQueue>();
        var id = await queue.EnqueueAsync("test.ignores", new { }, "Ignores the token", Actor.System);
        await TestEnvironment.WaitUntilAsync(async () => (await queue.GetAsync(id))!.State == PortalTaskState.Running, TimeSpan.FromSeconds(10), "running");

        (await queue.CancelAsync(id)).ShouldBeTrue();
        gate.Release(); // the handler now finishes its work as if nothing happened

        var task = await WaitFinishedAsync(queue, id);
        task.State.ShouldBe(PortalTaskState.Cancelled);
        task.Error.ShouldBe("Cancelled by a user.");
        (await queue.CancelAsync(id)).ShouldBeFalse("a finished task refuses a cancel");
    }

    [Fact]
    public async Task A_cancelled_task_retried_twice_at_once_is_queued_and_run_once()
    {
        var gate = new SemaphoreSlim(0);
        await using var portal = await StartAsync(new IgnoresCancelHandler("test.retry", gate));
        var queue = portal.GetRequiredService<TaskQueue>();
        var id = await queue.EnqueueAsync("test.retry", new { }, "Retry me", Actor.System);
        await TestEnvironment.WaitUntilAsync(async () => (await queue.GetAsync(id))!.State == PortalTaskState.Running, TimeSpan.FromSeconds(10), "running");
        (await queue.CancelAsync(id)).ShouldBeTrue();
        gate.Release();
        (await WaitFinishedAsync(queue, id)).State.ShouldBe(PortalTaskState.Cancelled);

        var retries = await Task.WhenAll(queue.RetryAsync(id), queue.RetryAsync(id));
        retries.Count(r => r).ShouldBe(1, "one retry queues it; the other finds it queued already");
        gate.Release(2);
        var task = await WaitFinishedAsync(queue, id);
        task.State.ShouldBe(PortalTaskState.Succeeded);
        task.Attempts.ShouldBe(2, "the retry ran once");
        (await queue.RetryAsync(id)).ShouldBeFalse("a succeeded task is not retried");
    }

    [Fact]
    public async Task Many_start_and_cancel_pairs_never_lose_an_accepted_cancel()
    {
        await using var portal = await StartAsync(new IgnoresCancelHandler("test.race", null));
        var queue = portal.GetRequiredService<TaskQueue>();
        var outcomes = new ConcurrentBag<(long Id, bool Accepted)>();
        var pairs = Enumerable.Range(0, 60).Select(async i =>
        {
            var id = await queue.EnqueueAsync("test.race", new { }, $"Race {i}", Actor.System);
            // Spread the cancels over the task's life: queued, at the start, running, finishing, finished.
            for (var spin = 0; spin < i % 6; spin++) await Task.Yield();
            outcomes.Add((id, await queue.CancelAsync(id)));
        });
        await Task.WhenAll(pairs);

        foreach (var (id, wasAccepted) in outcomes)
        {
            var task = await WaitFinishedAsync(queue, id);
            task.State.ShouldBe(wasAccepted ? PortalTaskState.Cancelled : PortalTaskState.Succeeded,
                $"task {id}: cancel {(wasAccepted ? "accepted" : "refused")}");
        }
        outcomes.Count(o => o.Accepted).ShouldBeGreaterThan(0);
    }
}
