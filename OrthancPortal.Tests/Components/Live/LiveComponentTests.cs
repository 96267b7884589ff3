using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OrthancPortal.Infrastructure.Live;

namespace OrthancPortal.Tests.Components.Live;

/// <summary>
/// The shared live base: a change published while a page is still loading (before it could subscribe) is not lost,
/// messages it follows refresh it, refreshes never overlap, and nothing is followed while prerendering or after closing.
/// Every step waits on a TaskCompletionSource the test releases: no timing.
/// </summary>
public sealed class LiveComponentTests : PortalComponentTest
{

    private readonly LiveNotifier notifier = new(NullLogger<LiveNotifier>.Instance);
    private readonly Store store = new();

    public LiveComponentTests()
    {
        Services.AddSingleton(notifier);
        Services.AddSingleton(store);
        RenderAsLiveCircuit();
    }

    public sealed record ValueChanged(bool Relevant = true);
    public sealed record Beep(string Sound);

    /// <summary>What the page shows, read the way a page reads its database; a read can be held open by the test.</summary>
    public sealed class Store
    {
        public int Value = 1;
        public int Reads, ReadsAtOnce, MostReadsAtOnce;
        public TaskCompletionSource? Hold;
        public readonly TaskCompletionSource HeldReadStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<int> ReadAsync()
        {
            Reads++;
            if (Hold is not null) HeldReadStarted.TrySetResult();
            MostReadsAtOnce = Math.Max(MostReadsAtOnce, ++ReadsAtOnce);
            var value = Value;
            try
            {
                if (Hold is { } hold) await hold.Task;
                return value;
            }
            finally { ReadsAtOnce--; }
        }
    }

    /// <summary>A page as the portal writes them: loads in OnInitializedAsync, follows <see cref="ValueChanged"/>.</summary>
    private sealed class CounterPage : LiveComponent
    {
        [Inject] private Store Store { get; set; } = default!;
        public int Shown, Refreshes;
        public readonly List<string> Sounds = [];

        protected override async Task OnInitializedAsync() => Shown = await Store.ReadAsync();

        protected override void Subscribe()
        {
            RefreshOn<ValueChanged>(c => c.Relevant);
            On<Beep>(b =>
            {
                Sounds.Add(b.Sound);
                return Task.CompletedTask;
            });
        }

        protected override async Task RefreshAsync()
        {
            Refreshes++;
            Shown = await Store.ReadAsync();
        }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "span");
            builder.AddAttribute(1, "data-test", "shown");
            builder.AddContent(2, Shown);
            builder.CloseElement();
        }
    }

    private IRenderedComponent<CounterPage> RenderSettled()
    {
        var page = Render<CounterPage>();
        page.WaitForAssertion(() => page.Instance.Refreshes.ShouldBe(1), Patience);
        return page;
    }

    [Fact]
    public void A_change_published_while_the_first_load_is_running_is_shown()
    {
        var firstLoad = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Hold = firstLoad;
        var page = Render<CounterPage>();
        // The first load has read 1 and is still running; the page could not subscribe yet, so this message reaches
        // nobody (a page that subscribed after its load used to show 1 from here on).
        store.Reads.ShouldBe(1);
        store.Value = 2;
        notifier.Publish(new ValueChanged());
        store.Hold = null;
        firstLoad.SetResult();

        page.WaitForAssertion(() => page.Find("[data-test=shown]").TextContent.ShouldBe("2"), Patience);
        page.Instance.Refreshes.ShouldBe(1);
        store.Reads.ShouldBe(2);
    }

    [Fact]
    public void Messages_it_follows_refresh_the_page_and_others_do_not()
    {
        var page = RenderSettled();
        page.Find("[data-test=shown]").TextContent.ShouldBe("1");

        notifier.Publish(new ValueChanged(Relevant: false));
        page.Instance.Refreshes.ShouldBe(1);

        store.Value = 3;
        notifier.Publish(new ValueChanged());
        page.WaitForAssertion(() => page.Find("[data-test=shown]").TextContent.ShouldBe("3"), Patience);
        page.Instance.Refreshes.ShouldBe(2);
    }

    [Fact]
    public void A_handler_gets_the_message_itself()
    {
        var page = RenderSettled();
        notifier.Publish(new Beep("done"));
        page.WaitForAssertion(() => page.Instance.Sounds.ShouldBe(["done"]), Patience);
        page.Instance.Refreshes.ShouldBe(1);
    }

    [Fact]
    public async Task A_burst_during_a_refresh_gives_exactly_one_more_and_reads_never_overlap()
    {
        var page = RenderSettled();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Hold = hold;
        store.Value = 4;
        notifier.Publish(new ValueChanged());
        await store.HeldReadStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Three more changes while that read is held open: the last one wins, read once.
        store.Value = 5;
        notifier.Publish(new ValueChanged());
        notifier.Publish(new ValueChanged());
        notifier.Publish(new ValueChanged());
        store.Hold = null;
        hold.SetResult();

        page.WaitForAssertion(() => page.Find("[data-test=shown]").TextContent.ShouldBe("5"), Patience);
        page.Instance.Refreshes.ShouldBe(3);
        store.MostReadsAtOnce.ShouldBe(1);
    }

    [Fact]
    public void While_prerendering_nothing_is_followed()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var page = Render<CounterPage>();
        notifier.Publish(new ValueChanged());
        notifier.Publish(new Beep("done"));
        page.Instance.Refreshes.ShouldBe(0);
        page.Instance.Sounds.ShouldBeEmpty();
        store.Reads.ShouldBe(1);
    }

    [Fact]
    public async Task A_closed_page_follows_nothing_any_more()
    {
        var page = RenderSettled();
        var instance = page.Instance;
        await DisposeComponentsAsync();
        store.Value = 6;
        notifier.Publish(new ValueChanged());
        notifier.Publish(new Beep("done"));
        instance.Refreshes.ShouldBe(1);
        instance.Sounds.ShouldBeEmpty();
        store.Reads.ShouldBe(2);
    }
}
