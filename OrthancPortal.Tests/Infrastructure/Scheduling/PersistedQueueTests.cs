using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Infrastructure.Scheduling;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Infrastructure.Scheduling;

/// <summary>The one pattern for queues of work in the background, on the real app's Quartz.</summary>
public sealed class PersistedQueueTests
{
    /// <summary>Stands in for a table of items; the test adds to it and watches what the queue did.</summary>
    public sealed class Items
    {
        public ConcurrentQueue<int> Waiting { get; } = new();
        public ConcurrentQueue<int> Done { get; } = new();
        public ConcurrentQueue<string> Events { get; } = new();
        public int FailuresLeft;
        public int Running;
        public int MostAtOnce;
        public TimeSpan WorkTime = TimeSpan.Zero;
    }

    public sealed class TestQueue(Items items) : IPersistedQueue
    {
        public Task RecoverAsync(CancellationToken ct)
        {
            items.Events.Enqueue("recover");
            return Task.CompletedTask;
        }

        public async Task<bool> ProcessNextAsync(CancellationToken ct)
        {
            var now = Interlocked.Increment(ref items.Running);
            try
            {
                InterlockedMax(ref items.MostAtOnce, now);
                if (!items.Waiting.TryPeek(out var item)) return false;
                items.Events.Enqueue($"process {item}");
                if (Interlocked.Decrement(ref items.FailuresLeft) >= 0) throw new InvalidOperationException("unexpected failure");
                await Task.Delay(items.WorkTime, ct);
                items.Waiting.TryDequeue(out _);
                items.Done.Enqueue(item);
                return true;
            }
            finally { Interlocked.Decrement(ref items.Running); }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
        }
    }

    private static Task<PortalHost> StartAsync(Items items, TimeSpan rescan) => PortalHost.StartManagedAsync(b =>
    {
        b.Services.AddSingleton(items);
        b.Services.AddPersistedQueue<TestQueue>(rescan);
    }, new Dictionary<string, string?> { ["Orthanc:Executable"] = "/bin/false" });

    [Fact]
    public async Task Recovers_first_then_drains_on_every_wake_up()
    {
        var items = new Items();
        items.Waiting.Enqueue(1);
        await using var portal = await StartAsync(items, TimeSpan.FromHours(1));
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(items.Done.Count == 1), TimeSpan.FromSeconds(10), "the first drain at start");
        items.Events.First().ShouldBe("recover");

        items.Waiting.Enqueue(2);
        items.Waiting.Enqueue(3);
        await portal.GetRequiredService<BackgroundJobs>().WakeAsync<TestQueue>();
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(items.Done.Count == 3), TimeSpan.FromSeconds(10), "the wake-up drains the queue, far before the hourly rescan");
        items.Done.ShouldBe([1, 2, 3]);
    }

    [Fact]
    public async Task An_unexpected_error_does_not_stall_the_queue_until_the_next_event()
    {
        var items = new Items { FailuresLeft = 1 };
        items.Waiting.Enqueue(7);
        await using var portal = await StartAsync(items, TimeSpan.FromSeconds(1));
        // No wake-up after the failure: the rescan takes the item up again.
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(items.Done.Count == 1), TimeSpan.FromSeconds(15), "the item done after the failure");
        items.Events.Count(e => e == "process 7").ShouldBe(2);
    }

    [Fact]
    public async Task Wake_ups_during_a_drain_never_run_two_drains_at_once_and_are_not_lost()
    {
        var items = new Items { WorkTime = TimeSpan.FromMilliseconds(150) };
        await using var portal = await StartAsync(items, TimeSpan.FromHours(1));
        var jobs = portal.GetRequiredService<BackgroundJobs>();
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(items.Events.Contains("recover")), TimeSpan.FromSeconds(10), "started");
        for (var i = 1; i <= 5; i++)
        {
            items.Waiting.Enqueue(i);
            await jobs.WakeAsync<TestQueue>();
        }
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(items.Done.Count == 5), TimeSpan.FromSeconds(15), "all five items");
        items.MostAtOnce.ShouldBe(1);
        items.Done.ShouldBe([1, 2, 3, 4, 5]);
    }
}
