using Microsoft.AspNetCore.Components;

namespace OrthancPortal.Infrastructure.Live;

/// <summary>
/// The base of every page or component that shows data <see cref="LiveNotifier"/> announces changes of
/// (<c>@inherits LiveComponent</c>). A page loads in <c>OnInitializedAsync</c>; a change published before it subscribes
/// would be lost, so this base subscribes as soon as the first load has finished (on the live circuit only, not while
/// prerendering) and then refreshes once to catch up. Refreshes never overlap: messages that arrive during one give
/// exactly one more, so an older read never replaces a newer one and a burst of progress costs two reads, not fifty.
/// </summary>
/// <remarks>
/// Override <see cref="Subscribe"/> (call <see cref="RefreshOn{T}"/> / <see cref="On{T}"/> there) and
/// <see cref="RefreshAsync"/> (re-read what the page shows; for a ServerData grid <c>grid.ReloadServerData()</c>, which
/// does nothing harmful while the grid is not drawn yet: it loads itself after the subscription then).
/// Cleanup of the page's own resources goes in <see cref="DisposeCoreAsync"/>.
/// </remarks>
public abstract class LiveComponent : ComponentBase, IAsyncDisposable
{
    [Inject] protected LiveNotifier Notifier { get; set; } = default!;

    private readonly List<IDisposable> subscriptions = [];
    private bool subscribed, disposed, refreshing, refreshAgain;

    /// <summary>Declares what the page follows, with <see cref="RefreshOn{T}"/> and <see cref="On{T}"/>. Runs once.</summary>
    protected abstract void Subscribe();

    /// <summary>Re-reads what the page shows: once right after subscribing, then after each message it follows.</summary>
    protected abstract Task RefreshAsync();

    /// <summary>Each <typeparamref name="T"/> (that <paramref name="when"/> accepts) refreshes the page.</summary>
    protected void RefreshOn<T>(Func<T, bool>? when = null)
        => subscriptions.Add(Notifier.Subscribe<T>(message => when is null || when(message) ? InvokeAsync(RefreshNowAsync) : Task.CompletedTask));

    /// <summary>Each <typeparamref name="T"/> runs <paramref name="handle"/> on the page's circuit, then redraws it (for a
    /// message that carries what the page shows, or a side effect such as a sound).</summary>
    protected void On<T>(Func<T, Task> handle)
        => subscriptions.Add(Notifier.Subscribe<T>(message => InvokeAsync(async () =>
        {
            if (disposed) return;
            try
            {
                await handle(message);
                StateHasChanged();
            }
            catch (Exception ex) { await DispatchExceptionAsync(ex); }
        })));

    /// <summary>Runs the page's own initialization, then (the first time, on a live circuit) subscribes and catches up.</summary>
    public override async Task SetParametersAsync(ParameterView parameters)
    {
        // Completes only after OnInitializedAsync and OnParametersSetAsync: the first load is done.
        await base.SetParametersAsync(parameters);
        if (subscribed || disposed || !RendererInfo.IsInteractive) return;
        subscribed = true;
        Subscribe();
        // Whatever changed between the first load's read and the subscription is read now.
        await RefreshNowAsync();
    }

    /// <summary>One refresh at a time; a request during one marks one more to run after it.</summary>
    private async Task RefreshNowAsync()
    {
        // Always on the renderer's dispatcher (InvokeAsync or the lifecycle), so these flags need no lock.
        if (disposed) return;
        if (refreshing)
        {
            refreshAgain = true;
            return;
        }
        refreshing = true;
        try
        {
            do
            {
                refreshAgain = false;
                await RefreshAsync();
                if (!disposed) StateHasChanged();
            }
            while (refreshAgain && !disposed);
        }
        catch (Exception ex)
        {
            // A page closed during its refresh has nobody left to tell.
            if (!disposed) await DispatchExceptionAsync(ex);
        }
        finally { refreshing = false; }
    }

    /// <summary>The page's own cleanup (JS modules, watchers); subscriptions are already gone when it runs.</summary>
    protected virtual ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (disposed) return;
        disposed = true;
        foreach (var subscription in subscriptions) subscription.Dispose();
        subscriptions.Clear();
        await DisposeCoreAsync();
        GC.SuppressFinalize(this);
    }
}
