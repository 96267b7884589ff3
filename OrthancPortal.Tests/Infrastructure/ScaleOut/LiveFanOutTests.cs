using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure.Live;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Infrastructure.ScaleOut;

/// <summary>
/// The notifier's PostgreSQL fan-out between two portals on one database: a small message goes inside the NOTIFY, one
/// over NOTIFY's 8000-byte limit through table LiveMessages; a process does not get its own messages twice.
/// </summary>
public sealed class LiveFanOutTests : IAsyncLifetime
{
    private ScaleOutCluster cluster = default!;

    public async Task InitializeAsync() => cluster = await ScaleOutCluster.StartAsync("FANPACS");

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task Messages_published_on_one_portal_reach_the_other_also_when_larger_than_a_notification()
    {
        await cluster.SeedAsync();
        var a = await cluster.StartHostAsync();
        var b = await cluster.StartHostAsync();
        foreach (var host in new[] { a, b })
        {
            var fanOut = host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<PostgresLiveFanOut>().Single();
            await TestEnvironment.WaitUntilAsync(() => Task.FromResult(fanOut.Listening), TimeSpan.FromSeconds(30), "the fan-out listens");
        }
        var onB = new List<string>();
        var onA = new List<string>();
        using var subB = b.GetRequiredService<LiveNotifier>().Subscribe<SettingsChanged>(m => { lock (onB) onB.Add(m.Section); return Task.CompletedTask; });
        using var subA = a.GetRequiredService<LiveNotifier>().Subscribe<SettingsChanged>(m => { lock (onA) onA.Add(m.Section); return Task.CompletedTask; });

        var small = "fanout-small";
        var large = "fanout-large-" + new string('x', 12_000);
        a.GetRequiredService<LiveNotifier>().Publish(new SettingsChanged(small));
        a.GetRequiredService<LiveNotifier>().Publish(new SettingsChanged(large));

        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(Snapshot(onB).Count >= 2), TimeSpan.FromSeconds(30), "both messages on B");
        Snapshot(onB).ShouldBe([small, large], "in the order they were published");
        // Give a duplicate the time it would need to arrive: a round trip B -> A through the database.
        b.GetRequiredService<LiveNotifier>().Publish(new SettingsChanged("fanout-marker"));
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(Snapshot(onA).Contains("fanout-marker")), TimeSpan.FromSeconds(30), "B's marker on A");
        Snapshot(onA).Count(s => s == small).ShouldBe(1, "A delivered its own message once, locally");
        Snapshot(onA).Count(s => s == large).ShouldBe(1);
    }

    private static List<string> Snapshot(List<string> list) { lock (list) return [.. list]; }
}
