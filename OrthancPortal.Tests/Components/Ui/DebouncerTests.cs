using OrthancPortal.Components.Ui;

namespace OrthancPortal.Tests.Components.Ui;

public class DebouncerTests
{
    [Fact]
    public async Task Only_the_last_of_quick_calls_runs()
    {
        using var debouncer = new Debouncer(TimeSpan.FromMilliseconds(100));
        var runs = new List<int>();
        var calls = Enumerable.Range(1, 3).Select(i => debouncer.RunAsync(() => { runs.Add(i); return Task.CompletedTask; })).ToList();
        var ran = await Task.WhenAll(calls);
        ran.ShouldBe([false, false, true]);
        runs.ShouldBe([3]);
    }

    [Fact]
    public async Task Cancel_drops_the_pending_run()
    {
        using var debouncer = new Debouncer(TimeSpan.FromMilliseconds(100));
        var ran = false;
        var call = debouncer.RunAsync(() => { ran = true; return Task.CompletedTask; });
        debouncer.Cancel();
        (await call).ShouldBeFalse();
        ran.ShouldBeFalse();
    }
}
